"""Property tests (hypothesis): the uscc validator, name normalisation, the workbook reader."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenlist.exchange.reader import RowError, WorkbookError, open_sources, parse
from greenlist.rules.names import normalise_name
from greenlist.rules.uscc import ALPHABET, UsccError, is_valid_uscc, make_uscc, validate_uscc

first17 = st.builds(
    lambda kind, region, org: kind + region + org,
    st.sampled_from(["91", "92", "11", "12", "51", "52"]),
    st.from_regex(r"\A13[0-9]{4}\Z"),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(first17)
def test_every_completed_code_is_valid_and_round_trips(prefix):
    code = make_uscc(prefix)
    assert validate_uscc(code, region_prefix="13") == code
    assert validate_uscc(" " + code.lower() + " ") == code


@given(first17, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_caught(prefix, position, replacement):
    code = make_uscc(prefix)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not is_valid_uscc(changed)


@given(st.text(max_size=30))
def test_the_validator_never_crashes_and_only_says_why(raw):
    try:
        validate_uscc(raw)
    except UsccError as exc:
        assert str(exc)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_name_normalisation_is_idempotent_and_ignores_whitespace(name):
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert normalise_name(f"  {name}\t") == once
    assert not any(ch.isspace() for ch in once)


@given(st.text(alphabet="河北某甲乙集团有限公司", min_size=1, max_size=12))
def test_bracket_widths_match(core):
    assert normalise_name(f"{core}（集团）") == normalise_name(f"{core}(集团) ")


cells = st.one_of(
    st.text(max_size=20), st.sampled_from(["", "2023-01-01", "2023-13-40", "偷漏税", "失信被执行人"])
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=7, max_size=7), max_size=8))
def test_the_reader_turns_any_rows_into_values_or_row_errors(tmp_path_factory, rows):
    folder = Path(tmp_path_factory.mktemp("csv"))
    path = folder / "负面记录.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["统一社会信用代码", "名称", "类型", "开始日期", "结束日期", "来源", "说明"])
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_text(text, encoding="utf-8")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text):
        # Control characters make it no text table: the upload inspection refuses the whole file.
        with pytest.raises(WorkbookError, match="未导入"):
            open_sources(path)
        return
    (source,) = open_sources(path)
    for number, parsed, errors in parse(source):
        assert (parsed is None) == bool(errors)
        assert all(isinstance(e, RowError) and e.row == number and e.reason for e in errors)
