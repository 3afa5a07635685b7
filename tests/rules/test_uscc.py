"""统一社会信用代码 (GB 32100-2015): check character, normalisation, region prefix."""

from __future__ import annotations

import pytest

from greenlist.rules.uscc import ALPHABET, UsccError, is_valid_uscc, make_uscc, normalise_uscc, validate_uscc

KNOWN_VALID = ["91350100M000100Y43", "91130100MA0D12345B", "91130600MA0A00001M", "11130100MB0000001C"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes(code: str) -> None:
    assert validate_uscc(code) == code


def test_make_uscc_completes_the_check_character() -> None:
    assert make_uscc("91350100M000100Y4") == "91350100M000100Y43"


@pytest.mark.parametrize("position", range(18), ids=lambda p: f"position-{p + 1}")
def test_every_single_character_corruption_is_rejected(position: int) -> None:
    code = "91350100M000100Y43"
    accepted = [
        char
        for char in ALPHABET + "IOSVZ*"
        if char != code[position] and is_valid_uscc(code[:position] + char + code[position + 1 :])
    ]
    assert accepted == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("91350100m000100y43", "91350100M000100Y43", id="lower-case"),
        pytest.param(" 9135 0100 M000 100Y 43 ", "91350100M000100Y43", id="spaces"),
        pytest.param("91130100ma0d12345b\n", "91130100MA0D12345B", id="lower-case-trailing-newline"),
    ],
)
def test_codes_are_normalised(raw: str, expected: str) -> None:
    assert normalise_uscc(raw) == expected
    assert validate_uscc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param("91350100M000100Y4", "应为18位，实际为17位", id="too-short"),
        pytest.param("91350100M000100Y433", "实际为19位", id="too-long"),
        pytest.param("91350100M0001I0Y43", "第14位“I”不是合法字符", id="letter-i"),
        pytest.param("9135A100M000100Y43", "第3–8位应为6位行政区划代码", id="letter-in-region"),
        pytest.param("91350100M000100Y44", "第18位应为“3”", id="wrong-check-character"),
    ],
)
def test_errors_say_what_is_wrong(raw: str, fragment: str) -> None:
    with pytest.raises(UsccError, match=fragment):
        validate_uscc(raw)


@pytest.mark.parametrize(
    ("code", "prefix", "valid"),
    [
        pytest.param("91130100MA0D12345B", "13", True, id="hebei-code-in-hebei"),
        pytest.param("91350100M000100Y43", "13", False, id="fujian-code-in-hebei"),
        pytest.param("91350100M000100Y43", "", True, id="no-prefix-check"),
        pytest.param("91130600MA0A00001M", "1306", True, id="baoding-code-for-baoding"),
        pytest.param("91130600MA0A00001M", "1301", False, id="baoding-code-for-shijiazhuang"),
    ],
)
def test_region_prefix(code: str, prefix: str, valid: bool) -> None:
    assert is_valid_uscc(code, region_prefix=prefix) is valid


def test_region_prefix_error_names_the_region() -> None:
    with pytest.raises(UsccError, match="不属于本省（应以“13”开头）"):
        validate_uscc("91350100M000100Y43", region_prefix="13")
