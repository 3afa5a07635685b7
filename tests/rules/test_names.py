"""Name normalisation for records without a uscc (docs/contracts/workbook.md: brackets and spaces folded)."""

from __future__ import annotations

import pytest

from greenlist.rules.names import normalise_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            "河北某某（集团）有限公司", "河北某某(集团)有限公司", id="full-and-half-width-round-brackets"
        ),
        pytest.param("河北某某【集团】有限公司", "河北某某[集团]有限公司", id="lenticular-brackets"),
        pytest.param("河北某某〔集团〕有限公司", "河北某某(集团)有限公司", id="tortoise-shell-brackets"),
        pytest.param("河北某某有限公司  ", "河北某某有限公司", id="trailing-spaces"),
        pytest.param("河北 某某\u3000有限公司", "河北某某有限公司", id="inner-half-and-full-width-spaces"),
        pytest.param("河北ＡＢＣ科技有限公司", "河北abc科技有限公司", id="full-width-letters-and-case"),
        pytest.param("河北１２３有限公司", "河北123有限公司", id="full-width-digits"),
    ],
)
def test_variants_normalise_alike(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("河北某某有限公司", "河北某某股份有限公司", id="different-legal-form"),
        pytest.param("河北某某(集团)有限公司", "河北某某集团有限公司", id="brackets-are-kept-not-dropped"),
    ],
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalise_name(a) != normalise_name(b)


def test_normalised_form() -> None:
    assert normalise_name(" 河北某某（集团）有限公司\u3000") == "河北某某(集团)有限公司"
