"""统一社会信用代码 (GB 32100-2015): 18 characters with a check character.

Layout: 1 registration authority, 2 organisation type, 3–8 administrative-division code,
9–17 organisation code (GB 11714), 18 check character over the first 17.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, …


class UsccError(ValueError):
    """Carries a Chinese message saying what is wrong and how to fix it."""


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    """Upper-case and strip spaces (people type codes in lower case or with spaces)."""
    return "".join(raw.split()).upper()


def validate_uscc(raw: str, *, region_prefix: str = "") -> str:
    """Return the normalised code, or raise :class:`UsccError` explaining the fault.

    ``region_prefix`` (e.g. "13" for Hebei) is checked against positions 3–8 when given.
    """
    code = normalise_uscc(raw)
    if len(code) != 18:
        raise UsccError(f"统一社会信用代码应为18位，实际为{len(code)}位：{raw!r}")
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise UsccError(
                f"统一社会信用代码第{position}位“{char}”不是合法字符（只能是数字或除 I、O、S、V、Z 以外的大写字母）"
            )
    if not code[2:8].isdigit():
        raise UsccError(f"统一社会信用代码第3–8位应为6位行政区划代码，实际为“{code[2:8]}”")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise UsccError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”，请核对是否录入有误"
        )
    if region_prefix and not code[2:8].startswith(region_prefix):
        raise UsccError(
            f"统一社会信用代码的登记管理机关行政区划码为“{code[2:8]}”，不属于本省（应以“{region_prefix}”开头）"
        )
    return code


def is_valid_uscc(raw: str, *, region_prefix: str = "") -> bool:
    try:
        validate_uscc(raw, region_prefix=region_prefix)
    except UsccError:
        return False
    return True


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    first17 = normalise_uscc(first17)
    if len(first17) != 17 or any(char not in _VALUE for char in first17):
        raise UsccError(f"需要17位合法字符：{first17!r}")
    return first17 + check_character(first17)
