"""The 省级名单 sheet feeds the register: listings, renames (the old name kept for matching),
removals and reinstatements become history; 级别 takes 市级; a bad row changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from greenlist.campaign.models import Batch
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import FormerName, ProvincialListEntry, RegisterEvent
from greenlist.registry.register import usccs_named
from greenlist.rules.names import normalise_name
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import write_xlsx


def row(uscc: str, name: str, **changes) -> dict:
    return {
        "统一社会信用代码": uscc,
        "名称": name,
        "类别": "绿色工厂",
        "级别": "省级",
        "推荐单位": "石家庄市",
        "列入年份": 2021,
        "状态": "有效",
        **changes,
    }


def load(tmp_path: Path, name: str, rows: list[dict]):
    return import_workbook(write_xlsx(tmp_path / name, {"省级名单": rows}), batch=Batch.current("2024"))


def kinds(uscc: str) -> list[str]:
    with unscoped():
        return list(
            RegisterEvent.objects.filter(entry__uscc=uscc).order_by("on", "id").values_list("kind", flat=True)
        )


def test_import_records_listings_renames_and_removals(db, tmp_path):
    a, b, c = new_uscc(), new_uscc(), new_uscc()
    first = load(
        tmp_path,
        "one.xlsx",
        [
            row(a, "甲制造有限公司"),
            row(b, "乙制造有限公司", 级别="市级", 列入年份=2023),
            row(c, "丙制造有限公司", 状态="已撤销", 撤销日期="2023-02-01"),
        ],
    )
    assert first.ok, first.as_dict()
    assert kinds(a) == ["listed"] and kinds(b) == ["listed"] and kinds(c) == ["listed", "revoked"]
    assert ProvincialListEntry.objects.get(uscc=b).level == "municipal"
    with unscoped():
        listed = RegisterEvent.objects.get(entry__uscc=a)
    assert listed.on == dt.date(2021, 1, 1) and "2021年列入省级绿色工厂名单" in listed.detail

    second = load(
        tmp_path,
        "two.xlsx",
        [
            row(a, "甲制造集团有限公司"),
            row(b, "乙制造有限公司", 级别="市级", 列入年份=2023, 状态="已撤销", 撤销日期="2024-01-05"),
            row(c, "丙制造有限公司"),
        ],
    )
    assert second.ok, second.as_dict()
    assert kinds(a) == ["listed", "renamed"]
    assert kinds(b) == ["listed", "revoked"]
    assert kinds(c) == ["listed", "revoked", "reinstated"]
    with unscoped():
        renamed = RegisterEvent.objects.get(entry__uscc=a, kind="renamed")
    assert (renamed.old_name, renamed.new_name) == ("甲制造有限公司", "甲制造集团有限公司")
    assert list(FormerName.objects.filter(uscc=a).values_list("name", flat=True)) == ["甲制造有限公司"]
    # Both names lead to the firm.
    assert usccs_named([normalise_name("甲制造有限公司")])[normalise_name("甲制造有限公司")] == {a}
    assert usccs_named([normalise_name("甲制造集团有限公司")])[normalise_name("甲制造集团有限公司")] == {a}

    # Importing the same file again adds no history.
    again = load(tmp_path, "three.xlsx", [row(a, "甲制造集团有限公司")])
    assert again.ok and kinds(a) == ["listed", "renamed"]


def test_a_bad_row_adds_no_history(db, tmp_path):
    good, bad = new_uscc(), new_uscc()
    report = load(tmp_path, "bad.xlsx", [row(good, "好公司"), row(bad, "坏公司", 级别="县级")])
    assert not report.ok
    (error,) = report.errors
    assert (error.sheet, error.row) == ("省级名单", 3)
    assert error.column == "级别" and "县级" in error.reason
    with unscoped():
        assert not RegisterEvent.objects.exists()
    assert not ProvincialListEntry.objects.filter(uscc=good).exists()
