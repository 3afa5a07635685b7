from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.exchange.importer import import_workbook
from greenlist.exchange.reader import WorkbookError, sheet_for_csv
from greenlist.exchange.templates import write_templates
from greenlist.registry.models import (
    BlacklistEntry,
    Diagnosis,
    Evaluator,
    NegativeRecord,
    Organisation,
    ProvincialListEntry,
    RecommendingUnit,
)
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import application_row, write_csv, write_xlsx

MODELS = [
    Organisation,
    Application,
    Evaluator,
    Diagnosis,
    BlacklistEntry,
    ProvincialListEntry,
    NegativeRecord,
]


def counts() -> dict[str, int]:
    with unscoped():
        return {m.__name__: m.objects.count() for m in MODELS} | {"audit": AuditEvent.objects.count()}


@pytest.fixture
def codes():
    return {
        "factory": new_uscc("130102"),
        "park": new_uscc("130203", "11"),
        "chain": new_uscc("130104"),
        "evaluator": new_uscc("110108", "12"),
        "listed": new_uscc("130105"),
    }


def full_workbook(path: Path, codes: dict[str, str]) -> Path:
    return write_xlsx(
        path,
        {
            "第三方机构": [{"统一社会信用代码": codes["evaluator"], "名称": "北京某绿色评价中心"}],
            "节能诊断": [
                {
                    "机构统一社会信用代码": codes["evaluator"],
                    "服务企业统一社会信用代码": codes["listed"],
                    "服务日期": dt.date(2023, 3, 1),
                    "服务企业所在省": "河北省",
                }
            ],
            "机构黑名单": [
                {"机构统一社会信用代码": new_uscc("120116"), "列入日期": "2023-01-10", "原因": "弄虚作假"}
            ],
            "省级名单": [
                {
                    "统一社会信用代码": codes["factory"],
                    "名称": "石家庄甲钢铁有限公司",
                    "类别": "绿色工厂",
                    "级别": "省级",
                    "推荐单位": "石家庄市",
                    "列入年份": 2022,
                    "状态": "有效",
                },
                {
                    "统一社会信用代码": codes["listed"],
                    "名称": "石家庄丙公司",
                    "类别": "绿色工厂",
                    "级别": "省级",
                    "推荐单位": "石家庄市",
                    "列入年份": 2020,
                    "状态": "已撤销",
                    "撤销日期": "2023-02-01",
                },
            ],
            "负面记录": [
                {
                    "统一社会信用代码": codes["chain"],
                    "名称": "石家庄乙汽车集团有限公司",
                    "类型": "失信被执行人",
                    "开始日期": "2023-05-01",
                    "来源": "中国执行信息公开网",
                },
                {
                    "统一社会信用代码": "",
                    "名称": "石家庄甲钢铁(集团)有限公司 ",
                    "类型": "环境污染事故",
                    "开始日期": dt.date(2022, 6, 1),
                    "来源": "信用中国",
                },
            ],
            "申报": [
                application_row(
                    codes["factory"],
                    "石家庄甲钢铁（集团）有限公司",
                    评价方式="第三方评价",
                    第三方机构统一社会信用代码=codes["evaluator"],
                    无结果承诺声明="是",
                ),
                application_row(
                    codes["park"],
                    "石家庄某经济技术开发区管理委员会",
                    申报类别="绿色工业园区",
                    行业="综合",
                    园区级别="省级",
                    工业增加值占比=62.5,
                    主要功能为产品制造和能源供给="是",
                    有法定边界和范围="是",
                    有统一管理机构="是",
                ),
                application_row(
                    codes["chain"],
                    "石家庄乙汽车集团有限公司",
                    申报类别="绿色供应链管理企业",
                    行业="汽车",
                    推荐单位="石家庄",
                ),
            ],
            "备注": [{"说明": "不识别的工作表被忽略"}],
        },
    )


def test_a_full_workbook_imports_every_sheet(tmp_path, batch, codes):
    before = counts()
    report = import_workbook(full_workbook(tmp_path / "book.xlsx", codes), batch=batch)
    assert report.ok, report.errors
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "Organisation": 3,
        "Application": 3,
        "Evaluator": 1,
        "Diagnosis": 1,
        "BlacklistEntry": 1,
        "ProvincialListEntry": 2,
        "NegativeRecord": 2,
        "audit": 5,  # three new applications, the import, the third-party one's accepted engagement
    }
    with unscoped():
        factory = Application.objects.get(organisation__uscc=codes["factory"])
        assert factory.state == "submitted" and factory.method == "third_party"
        assert factory.evaluator.uscc == codes["evaluator"] and factory.no_result_promise is True
        assert factory.submitted_at == dt.datetime(2024, 7, 1, 2, 30, tzinfo=dt.UTC)
        park = Application.objects.get(category="park")
        assert park.industrial_share == 62.5 and park.park_level == "provincial"
        assert Application.objects.get(category="supply_chain").unit.name == "石家庄市"
        assert AuditEvent.objects.filter(action=Action.APPLICATION_CREATED).count() == 3
    assert report.name_matches == [
        {
            "record": "石家庄甲钢铁(集团)有限公司",
            "type": "环境污染事故",
            "start": "2022-06-01",
            "organisation": "石家庄甲钢铁（集团）有限公司",
            "uscc": codes["factory"],
        }
    ]


def test_reimporting_updates_by_uscc_instead_of_duplicating(tmp_path, batch, codes):
    path = full_workbook(tmp_path / "book.xlsx", codes)
    import_workbook(path, batch=batch)
    before = counts()
    report = import_workbook(path, batch=batch)
    assert report.ok
    # Identical rows change nothing and are counted as unchanged; only the import is audited.
    assert dict(report.counts["申报"]) == {"created": 0, "updated": 0, "unchanged": 3}
    assert (report.counts["负面记录"]["created"], report.counts["负面记录"]["updated"]) == (0, 2)
    after = counts()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit": 1}


def test_one_bad_row_changes_nothing_and_every_bad_row_is_listed(tmp_path, batch, codes):
    path = full_workbook(tmp_path / "book.xlsx", codes)
    book = __import__("openpyxl").load_workbook(path)
    records = book["负面记录"]
    records.append([new_uscc(), "坏记录公司", "火灾", "2023-01-01"])  # unknown type
    records.append(["91130100MA0CXXXXX1", "坏代码公司", "偷漏税", "2023/13/01"])  # bad uscc and date
    book["申报"].append([new_uscc(), "无单位公司", "绿色工厂", "北京市", "", "自评价"])  # unknown unit
    book.save(path)
    before = counts()
    report = import_workbook(path, batch=batch)
    assert not report.ok
    assert counts() == before
    found = {(e.sheet, e.row, e.column) for e in report.errors}
    assert ("负面记录", 4, "类型") in found
    assert ("负面记录", 5, "统一社会信用代码") in found and ("负面记录", 5, "开始日期") in found
    assert ("申报", 5, "推荐单位") in found
    assert report.error_count == len(report.errors) == 4
    message = str(next(e for e in report.errors if e.column == "类型"))
    assert "【负面记录】第4行" in message and "火灾" in message and "可选" in message


def test_missing_required_cells_and_conditional_columns_are_reported(tmp_path, batch):
    path = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "申报": [
                application_row(new_uscc(), "", 评价方式="第三方评价"),
                application_row(new_uscc(), "某园区管委会", 申报类别="绿色工业园区"),
            ]
        },
    )
    report = import_workbook(path, batch=batch)
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert reasons[(2, "名称")] == "必填项为空"
    assert {column for row, column in reasons if row == 3} == {
        "园区级别",
        "工业增加值占比",
        "主要功能为产品制造和能源供给",
        "有法定边界和范围",
        "有统一管理机构",
    }


def test_a_third_party_row_without_its_evaluator_code_is_refused(tmp_path, batch):
    path = write_xlsx(
        tmp_path / "b.xlsx", {"申报": [application_row(new_uscc(), "某公司", 评价方式="第三方评价")]}
    )
    report = import_workbook(path, batch=batch)
    assert [(e.column, e.reason) for e in report.errors] == [
        ("第三方机构统一社会信用代码", "评价方式为第三方评价时必须填写第三方机构统一社会信用代码")
    ]


def test_a_third_party_row_needs_a_registered_evaluator(tmp_path, batch):
    path = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "申报": [
                application_row(
                    new_uscc(),
                    "某公司",
                    评价方式="第三方评价",
                    第三方机构统一社会信用代码=new_uscc("110108", "12"),
                ),
            ]
        },
    )
    report = import_workbook(path, batch=batch)
    assert [(e.column, "未登记" in e.reason) for e in report.errors] == [("第三方机构统一社会信用代码", True)]


def test_duplicate_rows_in_one_file_are_refused(tmp_path, batch):
    code = new_uscc()
    path = write_xlsx(
        tmp_path / "b.xlsx", {"申报": [application_row(code, "甲"), application_row(code, "甲")]}
    )
    report = import_workbook(path, batch=batch)
    assert [e.reason for e in report.errors] == ["与第2行重复（同一记录只能出现一次）"]


def test_a_missing_column_is_reported_on_the_header_row(tmp_path, batch):
    path = write_csv(
        tmp_path / "负面记录.csv", [{"统一社会信用代码": new_uscc(), "名称": "某公司", "类型": "偷漏税"}]
    )
    report = import_workbook(path, batch=batch)
    assert [(e.row, e.column) for e in report.errors] == [(1, "开始日期")]


def test_one_sheet_as_csv_with_unknown_columns_in_any_order(tmp_path, batch):
    code = new_uscc()
    path = write_csv(
        tmp_path / "2024-负面记录.csv",
        [
            {
                "备注": "忽略",
                "开始日期": "2023-04-05",
                "类型": "偷漏税",
                "名称": "某公司",
                "统一社会信用代码": code,
            }
        ],
    )
    report = import_workbook(path, batch=batch)
    assert report.ok, report.errors
    with unscoped():
        record = NegativeRecord.objects.get(uscc=code)
    assert (record.type, record.start, record.end) == ("tax_evasion", dt.date(2023, 4, 5), None)


def test_files_that_are_not_workbooks_are_refused_with_a_reason(tmp_path, batch):
    fake = tmp_path / "book.xlsx"
    fake.write_bytes(b"not a zip")
    report = import_workbook(fake, batch=batch)
    assert not report.ok and "无法读取工作簿" in report.errors[0].reason
    assert "不支持的文件类型" in import_workbook(tmp_path / "x.txt", batch=batch).errors[0].reason
    with pytest.raises(WorkbookError, match="无法从文件名"):
        sheet_for_csv(tmp_path / "data.csv")
    gbk = tmp_path / "负面记录.csv"
    gbk.write_bytes("统一社会信用代码,名称\n".encode("gbk"))
    assert "UTF-8" in import_workbook(gbk, batch=batch).errors[0].reason


def test_a_city_may_import_only_its_own_applications(tmp_path, batch, codes):
    with unscoped():
        shijiazhuang = RecommendingUnit.objects.get(name="石家庄市")
    path = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "申报": [application_row(new_uscc(), "甲"), application_row(new_uscc(), "乙", 推荐单位="唐山市")],
            "负面记录": [
                {"统一社会信用代码": new_uscc(), "名称": "丙", "类型": "偷漏税", "开始日期": "2023-01-01"}
            ],
        },
    )
    before = counts()
    report = import_workbook(path, batch=batch, only_unit=shijiazhuang)
    assert counts() == before
    reasons = [e.reason for e in report.errors]
    assert any("仅省厅可导入" in r for r in reasons)
    assert any("只能导入本单位（石家庄市）" in r for r in reasons)


def test_templates_round_trip_through_the_reader(tmp_path, batch):
    written = write_templates(tmp_path / "t.xlsx") + write_templates(tmp_path / "csv")
    assert len(written) == 7
    report = import_workbook(tmp_path / "t.xlsx", batch=batch)
    assert report.ok and set(report.counts) == {
        "第三方机构",
        "机构黑名单",
        "节能诊断",
        "省级名单",
        "负面记录",
        "申报",
    }
    assert import_workbook(tmp_path / "csv" / "申报.csv", batch=batch).ok


def test_the_import_command_exits_non_zero_and_lists_errors(tmp_path, batch, capsys):
    path = write_csv(
        tmp_path / "负面记录.csv",
        [{"统一社会信用代码": "123", "名称": "某", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workbook", str(path))
    assert exit_info.value.code == 1
    assert "统一社会信用代码应为18位" in capsys.readouterr().err


def test_import_then_screen_from_the_command_line(tmp_path, codes, db, django_db_blocker):
    """The contract end to end: `greenlist import-workbook` then `greenlist screen` as processes."""
    database = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "greenlist"]
    subprocess.run([*run, "migrate", "-v0"], check=True, env=env, cwd=tmp_path)
    book = full_workbook(tmp_path / "book.xlsx", codes)
    done = subprocess.run(
        [*run, "import-workbook", str(book), "--batch", "2024"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "申报：新增 3 条" in done.stdout
    out = subprocess.run(
        [*run, "screen", "--batch", "2024", "--unit", "石家庄市", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out)
    assert set(result) == {"batch", "applications", "quotas", "evaluators"}
    assert result["batch"] == "2024"
    by_uscc = {a["uscc"]: a for a in result["applications"]}
    assert set(by_uscc) == {codes["factory"], codes["park"], codes["chain"]}
    for item in result["applications"]:
        assert set(item) == {
            "uscc",
            "name",
            "category",
            "unit",
            "eligible",
            "reasons",
            "warnings",
            "priority",
        }
    factory = by_uscc[codes["factory"]]
    assert not factory["eligible"]
    assert {r["rule"] for r in factory["reasons"]} == {"E2"}  # matched by name across bracket widths
    assert "按名称匹配" in factory["reasons"][0]["message"]
    assert {r["rule"] for r in by_uscc[codes["chain"]]["reasons"]} == {"E6"}
    assert result["quotas"] == [{"unit": "石家庄市", "provincial_factories": 1, "quota": 0}]
    evaluator = next(e for e in result["evaluators"] if e["uscc"] == codes["evaluator"])
    assert evaluator == {
        "uscc": codes["evaluator"],
        "name": "北京某绿色评价中心",
        "projects": 1,
        "cap": 15,
        "accepted": True,
        "reasons": [],
    }
    bad = subprocess.run(
        [*run, "screen", "--batch", "2024", "--unit", "北京市"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "推荐单位“北京市”不存在" in bad.stderr


def test_an_applicant_registered_outside_the_province_is_imported_with_a_note(tmp_path, batch):
    uscc = new_uscc("110108")
    path = write_xlsx(tmp_path / "b.xlsx", {"申报": [application_row(uscc, "北京迁入某公司")]})
    report = import_workbook(path, batch=batch)
    assert report.ok, report.errors
    assert [(n.row, n.column, "外省迁入" in n.reason) for n in report.notes] == [
        (2, "统一社会信用代码", True)
    ]
    with unscoped():
        assert Organisation.objects.get(uscc=uscc).unit.name == "石家庄市"
