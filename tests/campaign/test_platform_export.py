"""The national round's upload to the platform: one field-mapped .xlsx per category."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import ProvincialListEntry
from greenlist.scoping import unscoped
from tests.conftest import make_org, unit


def test_the_2025_factory_sheet_maps_the_recommendations(tmp_path: Path, db: None) -> None:
    batch = Batch.current("2025")
    with unscoped():
        steel = make_org("石家庄市", "石家庄钢铁有限公司")
        other = make_org("唐山市", "唐山食品有限公司")
        ProvincialListEntry.objects.create(
            uscc=steel.uscc,
            name=steel.name,
            category="factory",
            level="provincial",
            unit=unit("石家庄市"),
            year=2021,
            status="active",
        )
        Application.objects.create(
            batch=batch,
            organisation=steel,
            unit=steel.unit,
            category="factory",
            state="province_recommended",
            industry="黑色金属冶炼和压延加工业",
            industry_code="31",
            score=88,
            indicators={"system": "gbt36132-2025", "indicators": {"EN1": {"value": "0.42"}}},
        )
        Application.objects.create(  # not recommended by the province: not exported
            batch=batch, organisation=other, unit=other.unit, category="factory", state="city_recommended"
        )
    out = tmp_path / "factory.xlsx"
    call_command(
        "export",
        "platform",
        "--batch",
        "2025",
        "--category",
        "factory",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.title == "绿色工厂"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["序号", "统一社会信用代码", "单位名称", "所在地市"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["统一社会信用代码"], record["所在地市"], record["省级名单列入年份"]) == (
        steel.uscc,
        "石家庄市",
        2021,
    )
    assert record["评价依据"] == "钢铁行业绿色工厂评价要求（待核实）"  # key-industry routing
    assert (record["自评价得分"], record["能源消耗强度"]) == (88, "0.42")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch", "2024", "--category", "factory"], "未规定国家平台导出格式"),
        (["--batch", "2025", "--category", "supply_chain"], "不受理绿色供应链管理企业"),
        (["--batch", "2025"], "请用 --category 指定类别"),
    ],
)
def test_a_platform_export_the_batch_has_no_layout_for_is_refused(
    tmp_path: Path, db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("export", "platform", *args, "--out", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
