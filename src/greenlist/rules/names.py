"""Organisation-name normalisation for matching records that carry no uscc (docs/contracts/workbook.md, "Matching a firm")."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Fold full-width/half-width forms (brackets included) and drop all whitespace.

    NFKC maps full-width "（）" to "()" and full-width letters and digits to ASCII, so
    "河北某某（集团）有限公司 " and "河北某某(集团)有限公司" normalise alike. Folding, upper-casing and
    dropping spaces can each expose something the others would change again (a combining mark
    meeting a new base letter, a compatibility character that decomposes into a space), so they
    repeat until nothing changes: the result is a fixed point, normalising it again is a no-op.
    """
    folded = name
    for _ in range(5):
        step = unicodedata.normalize("NFKC", folded).upper()
        step = step.replace("【", "[").replace("】", "]").replace("〔", "(").replace("〕", ")")
        step = unicodedata.normalize("NFKC", _SPACES.sub("", step))
        if step == folded:
            break
        folded = step
    return folded
