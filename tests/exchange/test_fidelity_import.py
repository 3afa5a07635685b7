"""The workbook's optional 行业 codes and 评价标准 (F2, S2), relocated applicants, and workbooks in
the format before these columns."""

from __future__ import annotations

import pytest

from greenlist.campaign.models import Application
from greenlist.exchange.importer import import_workbook
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from tests.conftest import new_uscc
from tests.exchange.workbooks import application_row, write_csv, write_xlsx


def findings_of(batch, uscc):
    result = verdicts.stored(batch).result
    [item] = [a for a in result.applications if a.application.uscc == uscc]
    return item.findings


@pytest.mark.parametrize(
    ("industry", "code", "name"),
    [
        pytest.param("34", "34", "通用设备制造业", id="division-code"),
        pytest.param("C34", "34", "通用设备制造业", id="code-with-section-letter"),
        pytest.param("通用设备制造业", "34", "通用设备制造业", id="standard-name"),
        pytest.param("汽车制造", "36", "汽车制造", id="name-without-业"),
    ],
)
def test_the_industry_may_be_a_code_or_a_name(tmp_path, batch, industry, code, name):
    uscc = new_uscc()
    report = import_workbook(
        write_xlsx(tmp_path / "a.xlsx", {"申报": [application_row(uscc, "甲公司", 行业=industry)]}),
        batch=batch,
    )
    assert report.ok, report.errors
    assert report.notes == []
    with unscoped():
        application = Application.objects.get(organisation__uscc=uscc)
    assert (application.industry_code, application.industry) == (code, name)


def test_an_unknown_industry_is_imported_and_reported_by_row(tmp_path, batch):
    rows = [application_row(new_uscc(), "甲公司", 行业="机械制造商贸")]
    report = import_workbook(write_xlsx(tmp_path / "a.xlsx", {"申报": rows}), batch=batch)
    assert report.ok, report.errors
    assert [(n.sheet, n.row, n.column) for n in report.notes] == [("申报", 2, "行业")]


def test_f2_fires_from_a_workbook_naming_the_general_standard_for_a_machinery_factory(tmp_path, batch):
    general, specific = new_uscc(), new_uscc()
    rows = [
        application_row(general, "通用设备甲公司", 行业="通用设备制造业", 评价标准="GB/T 36132-2018"),
        application_row(specific, "通用设备乙公司", 行业="34", 评价标准="JB/T 14407-2023"),
    ]
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", {"申报": rows}), batch=batch).ok
    [f2] = [f for f in findings_of(batch, general) if f.rule == "F2"]
    assert "JB/T 14407-2023" in f2.message
    assert f2.evidence["standard_used"] == "GB/T 36132-2018"
    assert [f for f in findings_of(batch, specific) if f.rule == "F2"] == []


def test_s2_counts_a_coded_industry_as_a_priority_industry(tmp_path, batch):
    uscc = new_uscc()
    rows = [application_row(uscc, "通用设备丙公司", 申报类别="绿色供应链管理企业", 行业="3411")]
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", {"申报": rows}), batch=batch).ok
    flags = [f.evidence.get("flag") for f in findings_of(batch, uscc) if f.rule == "S2"]
    assert flags == ["industry"]


def test_a_relocated_applicant_is_imported_screened_and_noted(tmp_path, batch):
    uscc = new_uscc("110108")  # issued in Beijing; the firm has moved to Hebei
    rows = [application_row(uscc, "迁入甲公司")]
    report = import_workbook(write_xlsx(tmp_path / "a.xlsx", {"申报": rows}), batch=batch)
    assert report.ok, report.errors
    assert [(n.row, n.column) for n in report.notes] == [(2, "统一社会信用代码")]
    assert "不属于本省" in report.notes[0].reason
    assert findings_of(batch, uscc)  # screened like any other applicant (F1 at least)


def test_a_workbook_without_the_new_columns_is_accepted_and_keeps_the_recorded_standard(tmp_path, batch):
    uscc = new_uscc()
    first = [application_row(uscc, "甲公司", 行业="机械", 评价标准="JB/T 14407-2023")]
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", {"申报": first}), batch=batch).ok
    old_headers = [
        "统一社会信用代码",
        "名称",
        "申报类别",
        "推荐单位",
        "行业",
        "评价方式",
        "评价得分",
        "提交时间",
        "无结果承诺声明",
    ]
    again = [application_row(uscc, "甲公司", 评价得分=90)]
    report = import_workbook(write_csv(tmp_path / "申报.csv", again, old_headers), batch=batch)
    assert report.ok, report.errors
    with unscoped():
        application = Application.objects.get(organisation__uscc=uscc)
    assert (application.evaluation_standard, float(application.score)) == ("JB/T 14407-2023", 90.0)


def test_the_code_follows_the_industry_wherever_it_is_edited(tmp_path, batch):
    uscc = new_uscc()
    assert import_workbook(
        write_xlsx(tmp_path / "a.xlsx", {"申报": [application_row(uscc, "甲公司", 行业="3411")]}), batch=batch
    ).ok
    with unscoped():
        application = Application.objects.get(organisation__uscc=uscc)
        assert (application.industry_code, application.industry) == ("3411", "通用设备制造业")
        application.score = 91
        application.save()  # an unrelated edit keeps the finer code
        assert Application.objects.get(pk=application.pk).industry_code == "3411"
        application.industry = "汽车制造业"
        application.save(update_fields=["industry"])
        assert Application.objects.get(pk=application.pk).industry_code == "36"
