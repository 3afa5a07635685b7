"""Each shipped batch (campaign kind) through the command-line contract: `import-workbook --batch
CODE` then `screen --batch CODE --format json`, with table cases per new rule id, and the import
refusals of a category or evaluation method the batch does not take."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import Application, Batch
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import Organisation, ProvincialListEntry, UnitScore
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import application_row, write_xlsx

CONTRACT_KEYS = {"uscc", "name", "category", "unit", "eligible", "reasons", "warnings", "priority"}


def list_row(
    uscc: str, name: str, category: str, level: str, status: str = "有效", **extra: Any
) -> dict[str, Any]:
    return {
        "统一社会信用代码": uscc,
        "名称": name,
        "类别": category,
        "级别": level,
        "推荐单位": "石家庄市",
        "列入年份": 2022,
        "状态": status,
        **extra,
    }


def import_and_screen(path: Path, code: str) -> dict[str, Any]:
    call_command("import_workbook", str(path), "--batch", code, stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("screen", "--batch", code, "--format", "json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    assert set(result) == {"batch", "applications", "quotas", "evaluators"}
    assert result["batch"] == code
    assert all(set(item) == CONTRACT_KEYS for item in result["applications"])
    return result


def rules(item: dict[str, Any], key: str = "reasons") -> list[str]:
    return [finding["rule"] for finding in item[key]]


def state() -> dict[str, int]:
    with unscoped():
        return {
            "organisations": Organisation.objects.count(),
            "applications": Application.objects.count(),
            "list": ProvincialListEntry.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


@pytest.fixture
def codes() -> dict[str, str]:
    return {
        name: new_uscc("130102") for name in ("listed", "unlisted", "revoked", "national", "park", "other")
    }


def test_every_shipped_batch_is_a_row(db: None) -> None:
    assert set(Batch.objects.values_list("code", flat=True)) >= {
        "2024",
        "2025",
        "2025-provincial",
        "2025-review",
    }
    assert Batch.current().code == "2024"  # the default batch stays 2024 unless configured


def test_the_2025_national_round_screens_l1_and_no_v_rule(
    tmp_path: Path, codes: dict[str, str], db: None
) -> None:
    book = write_xlsx(
        tmp_path / "2025.xlsx",
        {
            "省级名单": [
                list_row(codes["listed"], "石家庄甲公司", "绿色工厂", "省级"),
                list_row(
                    codes["revoked"], "石家庄丙公司", "绿色工厂", "省级", "已撤销", 撤销日期="2024-05-01"
                ),
                list_row(codes["national"], "石家庄丁公司", "绿色工厂", "省级"),
                list_row(codes["national"], "石家庄丁公司", "绿色工厂", "国家级"),
                # a provincial green factory applying as a park is not on the park list
                list_row(codes["other"], "石家庄某园区管委会", "绿色工厂", "省级"),
            ],
            "申报": [
                application_row(codes["listed"], "石家庄甲公司"),
                application_row(codes["unlisted"], "石家庄乙公司"),
                application_row(codes["revoked"], "石家庄丙公司"),
                application_row(codes["national"], "石家庄丁公司"),
                application_row(
                    codes["other"],
                    "石家庄某园区管委会",
                    申报类别="绿色工业园区",
                    行业="综合",
                    园区级别="省级",
                    工业增加值占比=62.5,
                    主要功能为产品制造和能源供给="是",
                    有法定边界和范围="是",
                    有统一管理机构="是",
                ),
            ],
        },
    )
    result = import_and_screen(book, "2025")
    by_uscc = {item["uscc"]: item for item in result["applications"]}
    assert (by_uscc[codes["listed"]]["eligible"], rules(by_uscc[codes["listed"]])) == (True, [])
    for key, message in [
        ("unlisted", "不在有效的省级绿色工厂名单中"),
        ("revoked", "资格已撤销（撤销日期：2024-05-01）"),
        ("national", "已是国家级绿色工厂"),
        ("other", "不在有效的省级绿色工业园区名单中"),
    ]:
        item = by_uscc[codes[key]]
        # a revoked entry is also a removal from the list in the window (E3)
        expected = ["E3", "L1"] if key == "revoked" else ["L1"]
        assert (item["eligible"], rules(item)) == (False, expected), key
        assert message in item["reasons"][-1]["message"]
    # self-evaluation only: no evaluator is judged, no V finding anywhere; no quota in this round
    assert result["evaluators"] == []
    assert result["quotas"] == []
    every = [
        f["rule"]
        for item in result["applications"]
        for k in ("reasons", "warnings", "priority")
        for f in item[k]
    ]
    assert not [rule for rule in every if rule.startswith(("V", "F1", "Q", "S", "P"))]
    # A1 is silent: the register holds no scores of existing national units
    assert "A1" not in every


def test_a1_warns_below_the_registers_average(tmp_path: Path, codes: dict[str, str], db: None) -> None:
    existing = [new_uscc("130102") for _ in range(2)]
    book = write_xlsx(
        tmp_path / "2025.xlsx",
        {
            "省级名单": [
                list_row(codes["listed"], "石家庄甲公司", "绿色工厂", "省级"),
                list_row(codes["unlisted"], "石家庄乙公司", "绿色工厂", "省级"),
                *[list_row(code, f"现有国家级{n}", "绿色工厂", "国家级") for n, code in enumerate(existing)],
            ],
            "申报": [
                application_row(codes["listed"], "石家庄甲公司", 评价得分=80),
                application_row(codes["unlisted"], "石家庄乙公司", 评价得分=91),
            ],
        },
    )
    call_command("import_workbook", str(book), "--batch", "2025", stdout=io.StringIO(), stderr=io.StringIO())
    for code, score in zip(existing, ("84", "86"), strict=True):
        UnitScore.objects.create(
            entry=ProvincialListEntry.objects.get(uscc=code), year=2024, score=Decimal(score)
        )
    out = io.StringIO()
    call_command("screen", "--batch", "2025", "--format", "json", stdout=out)
    by_uscc = {item["uscc"]: item for item in json.loads(out.getvalue())["applications"]}
    low, high = by_uscc[codes["listed"]], by_uscc[codes["unlisted"]]
    assert (low["eligible"], rules(low, "warnings")) == (True, ["A1"])  # 原则上: a warning, not an exclusion
    assert "低于本省已有国家级绿色工厂2024年平均得分85.00分（2家）" in low["warnings"][0]["message"]
    assert rules(high, "warnings") == []


def test_the_provincial_round_takes_municipal_factories_and_third_parties(
    tmp_path: Path, codes: dict[str, str], db: None
) -> None:
    evaluator = new_uscc("130102", "12")
    book = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "第三方机构": [{"统一社会信用代码": evaluator, "名称": "河北某评价中心"}],
            "省级名单": [
                list_row(codes["listed"], "石家庄甲公司", "绿色工厂", "市级"),
                list_row(codes["national"], "石家庄丁公司", "绿色工厂", "省级"),
            ],
            "申报": [
                application_row(codes["listed"], "石家庄甲公司"),
                application_row(
                    codes["unlisted"],
                    "石家庄乙公司",
                    评价方式="第三方评价",
                    第三方机构统一社会信用代码=evaluator,
                    无结果承诺声明="是",
                ),
                application_row(codes["national"], "石家庄丁公司"),
            ],
        },
    )
    result = import_and_screen(book, "2025-provincial")
    by_uscc = {item["uscc"]: item for item in result["applications"]}
    assert rules(by_uscc[codes["listed"]]) == []
    # not on a municipal list, and its evaluator has no diagnosis record (V1 applies here)
    assert rules(by_uscc[codes["unlisted"]]) == ["L1", "V1"]
    assert "不在有效的市级绿色工厂名单中" in by_uscc[codes["unlisted"]]["reasons"][0]["message"]
    assert rules(by_uscc[codes["national"]]) == ["L1"]
    assert "已是省级绿色工厂" in by_uscc[codes["national"]]["reasons"][0]["message"]
    assert [(e["uscc"], e["cap"], e["projects"]) for e in result["evaluators"]] == [(evaluator, 15, 1)]
    assert result["quotas"] == []


def test_the_review_round_checks_existing_national_units(
    tmp_path: Path, codes: dict[str, str], db: None
) -> None:
    book = write_xlsx(
        tmp_path / "r.xlsx",
        {
            "省级名单": [list_row(codes["national"], "石家庄丁公司", "绿色工厂", "国家级")],
            "申报": [
                application_row(codes["national"], "石家庄丁公司"),
                application_row(codes["listed"], "石家庄甲公司"),
            ],
        },
    )
    result = import_and_screen(book, "2025-review")
    by_uscc = {item["uscc"]: item for item in result["applications"]}
    assert rules(by_uscc[codes["national"]]) == []  # no "already national" exclusion in a review
    assert rules(by_uscc[codes["listed"]]) == ["L1"]
    assert "不在有效的国家级绿色工厂名单中" in by_uscc[codes["listed"]]["reasons"][0]["message"]
    assert (result["quotas"], result["evaluators"]) == ([], [])


@pytest.mark.parametrize(
    ("overrides", "header", "message"),
    [
        (
            {"申报类别": "绿色供应链管理企业", "行业": "汽车"},
            "申报类别",
            "2025年度国家绿色制造名单推荐只受理绿色工厂、绿色工业园区，不受理“绿色供应链管理企业”",
        ),
        (
            {"评价方式": "第三方评价", "第三方机构统一社会信用代码": None},
            "评价方式",
            "2025年度国家绿色制造名单推荐的评价方式只能是自评价，不受理“第三方评价”",
        ),
    ],
)
def test_the_2025_batch_refuses_a_row_outside_its_shape_and_changes_nothing(
    tmp_path: Path, db: None, overrides: dict[str, Any], header: str, message: str
) -> None:
    good, bad = new_uscc("130102"), new_uscc("130102")
    book = write_xlsx(
        tmp_path / "bad.xlsx",
        {"申报": [application_row(good, "石家庄甲公司"), application_row(bad, "石家庄乙公司", **overrides)]},
    )
    before = state()
    report = import_workbook(book, batch=Batch.current("2025"))
    assert not report.ok
    refusal = next(e for e in report.errors if e.column == header)
    assert (refusal.sheet, refusal.row) == ("申报", 3)
    assert message in refusal.reason
    assert state() == before


def test_the_import_command_names_the_refused_row(tmp_path: Path, db: None, capsys: Any) -> None:
    book = write_xlsx(
        tmp_path / "bad.xlsx",
        {"申报": [application_row(new_uscc("130102"), "石家庄乙公司", 申报类别="绿色供应链管理企业")]},
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workbook", str(book), "--batch", "2025")
    assert exit_info.value.code == 1
    assert "只受理绿色工厂、绿色工业园区" in capsys.readouterr().err


def test_the_2024_batch_still_takes_every_category_and_method(tmp_path: Path, db: None) -> None:
    book = write_xlsx(
        tmp_path / "ok.xlsx",
        {
            "申报": [
                application_row(
                    new_uscc("130102"), "石家庄乙公司", 申报类别="绿色供应链管理企业", 行业="汽车"
                )
            ]
        },
    )
    assert import_workbook(book, batch=Batch.current("2024")).ok
