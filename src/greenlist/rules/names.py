"""Organisation-name normalisation for matching records that carry no uscc (DESIGN.md)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Fold full-width/half-width forms (brackets included) and drop all whitespace.

    NFKC maps full-width "（）" to "()" and full-width letters and digits to ASCII, so
    "河北某某（集团）有限公司 " and "河北某某(集团)有限公司" normalise alike.
    """
    folded = unicodedata.normalize("NFKC", name)
    folded = folded.replace("【", "[").replace("】", "]").replace("〔", "(").replace("〕", ")")
    return _SPACES.sub("", folded).upper()
