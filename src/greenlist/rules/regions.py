"""Provinces as people write them: "河北", "河北省", "河北 省" are one province (V1).

A uscc's positions 3–8 are the registering authority's administrative-division code
(GB 32100-2015, GB/T 2260); its first two digits name the province.
"""

from __future__ import annotations

import re

from greenlist.rules.names import normalise_name

# Longest first, so "维吾尔自治区" is stripped before "自治区".
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_DIGITS = re.compile(r"^\d{6}$")


def normalise_province(name: str) -> str:
    """The province's short name: widths and spaces folded, the administrative suffix dropped."""
    folded = normalise_name(name)
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)]
    return folded


def same_province(a: str, b: str) -> bool:
    return bool(normalise_province(a)) and normalise_province(a) == normalise_province(b)


def uscc_province_code(uscc: str) -> str:
    """The two-digit province code of the authority that issued ``uscc``, or "" when unreadable."""
    area = uscc[2:8] if len(uscc) == 18 else ""
    return area[:2] if _DIGITS.match(area) else ""
