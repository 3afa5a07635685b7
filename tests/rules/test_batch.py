"""Batch files: parameters read from YAML, date helpers, and a batch for another year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml

from greenlist.rules.batch import (
    DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS,
    BatchFileError,
    add_months,
    add_years,
    batch_path,
    load_batch,
    parse_batch,
)
from greenlist.rules.catalogue import CATALOGUE, listing, rule

BATCH = load_batch("hebei", "2024")


def raw_2024() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(batch_path("hebei", "2024").read_text(encoding="utf-8"))
    return data


def test_the_2024_batch_reads_the_notices_numbers() -> None:
    assert (BATCH.code, BATCH.province_name) == ("2024", "河北省")
    assert BATCH.reference_date == dt.date(2024, 7, 19)
    assert BATCH.deadline == dt.datetime(2024, 7, 19, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert (BATCH.lookback_years, BATCH.halt_months, BATCH.evaluator_cap) == (3, 12, 15)
    assert BATCH.city_quota_ratio == Decimal("0.40")
    assert (BATCH.park_min_industrial_share, BATCH.park_share_strict) == (Decimal("50"), True)
    assert BATCH.park_levels == ("国家级", "省级")
    assert BATCH.report_limits.introduction_max == {"factory": 200, "park": 500, "supply_chain": 200}


def test_every_catalogue_rule_has_a_clause_in_a_shipped_batch_and_back() -> None:
    shipped = [load_batch("hebei", code) for code in ("2024", "2025", "2025-provincial", "2025-review")]
    assert set().union(*(set(batch.rules) for batch in shipped)) == set(CATALOGUE)
    for batch in shipped:
        assert set(batch.rules) <= set(CATALOGUE)
        assert all(batch.clause(rule) for rule in batch.rules)
    # The campaign kinds' rules (L1, A1) are not part of the 2024 notice.
    assert set(CATALOGUE) - set(BATCH.rules) == {"L1", "A1"}


def test_every_parameter_a_rule_reads_is_in_the_batch() -> None:
    for spec in CATALOGUE.values():
        for name in spec.parameters:
            assert hasattr(BATCH, name), (spec.id, name)


def test_the_catalogue_lists_rules_in_design_md_order_with_clause_and_function() -> None:
    rows = listing(BATCH)
    assert [row["id"] for row in rows][:7] == ["E1", "E2", "E3", "E4", "E5", "E6", "F1"]
    assert len(rows) == 22
    e6 = next(row for row in rows if row["id"] == "E6")
    assert (e6["title"], e6["clause"], e6["effects"]) == (
        "失信被执行人",
        "一、总体要求",
        ["不得推荐", "提示"],
    )  # 提示: a record after the reference date
    assert e6["function"] == "greenlist.rules.exclusions.e6_dishonest_debtor"
    assert "失信被执行人" in e6["text"]


def test_an_unknown_rule_id_is_named() -> None:
    with pytest.raises(KeyError, match="X9"):
        rule("X9")


def test_a_batch_for_another_year_is_data_only() -> None:
    data = raw_2024()
    data["code"] = "2025"
    params = data["parameters"]
    params["reference_date"]["value"] = dt.date(2025, 6, 30)
    params["deadline"]["value"] = "2025-06-30T17:00:00+08:00"
    params["city_quota_ratio"]["value"] = "0.5"
    params["evaluator_cap"]["value"] = 10
    batch = parse_batch(data)
    assert batch.code == "2025"
    assert batch.window_start == dt.date(2022, 6, 30)
    assert batch.deadline.hour == 17
    assert (batch.city_quota_ratio, batch.evaluator_cap) == (Decimal("0.5"), 10)


def test_a_deadline_given_as_a_date_runs_to_the_end_of_that_day_in_the_batch_time_zone() -> None:
    data = raw_2024()
    data["parameters"]["deadline"]["value"] = dt.date(2025, 7, 1)
    deadline = parse_batch(data).deadline
    assert deadline.isoformat() == "2025-07-01T23:59:59+08:00"


def test_leading_supplier_threshold_defaults_and_can_be_set() -> None:
    assert BATCH.supply_chain_leading_suppliers == DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS == 10
    data = raw_2024()
    data["parameters"]["supply_chain_leading_suppliers"] = {"value": 20, "clause": "二、具体要求（三）"}
    assert parse_batch(data).supply_chain_leading_suppliers == 20


def test_a_missing_parameter_is_named() -> None:
    data = raw_2024()
    del data["parameters"]["evaluator_cap"]
    with pytest.raises(BatchFileError, match="evaluator_cap"):
        parse_batch(data)


def test_an_unknown_batch_is_refused_with_its_path() -> None:
    with pytest.raises(BatchFileError, match="1999"):
        load_batch("hebei", "1999")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2023-07-19", 12, "2024-07-19"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2023-03-31", 1, "2023-04-30"),
        ("2023-11-15", 3, "2024-02-15"),
        ("2024-03-15", -3, "2023-12-15"),
    ],
)
def test_add_months_clamps_to_the_month_end(day: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [("2024-07-19", -3, "2021-07-19"), ("2024-02-29", -3, "2021-02-28"), ("2024-02-29", 4, "2028-02-29")],
)
def test_add_years(day: str, years: int, expected: str) -> None:
    assert add_years(dt.date.fromisoformat(day), years) == dt.date.fromisoformat(expected)
