"""The sheets of the exchange workbook and their columns, exactly as docs/contracts/workbook.md names them.

A sheet is recognised by its name; column order does not matter; unknown columns are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from greenlist.exchange import cells
from greenlist.rules.vocabulary import (
    Category,
    LabelledEnum,
    ListLevel,
    ListStatus,
    Method,
    ParkLevel,
    RecordType,
)


def _labels(enum: type[LabelledEnum]) -> dict[str, str]:
    return {member.label: member.value for member in enum}


def _choice(enum: type[LabelledEnum], what: str) -> Callable[[Any], str]:
    options = _labels(enum)
    return lambda raw: cells.choice(raw, options, what)


def _score(raw: Any) -> Decimal:
    return cells.number(raw, low=Decimal(0), high=Decimal(100))


def _percent(raw: Any) -> Decimal:
    return cells.number(raw, low=Decimal(0), high=Decimal(100))


def _year(raw: Any) -> int:
    value = cells.number(raw, low=Decimal(2000), high=Decimal(2100))
    if value != value.to_integral_value():
        raise cells.CellError(f"年份“{raw}”应为整数")
    return int(value)


def _energy(raw: Any) -> Decimal:
    return cells.number(raw)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any] = cells.text
    required: bool = False
    example: str = ""

    @property
    def empty_value(self) -> Any:
        """What an empty cell means: "" for text columns, None (unknown) for the rest."""
        return "" if self.parse in (cells.text, _optional_uscc) else None


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    description: str
    # Conditional checks on a parsed row: returns (header, reason) pairs.
    check: Callable[[dict[str, Any]], list[tuple[str, str]]] = field(default=lambda row: [])

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PARK_COLUMNS = (
    "park_level",
    "industrial_share",
    "manufacturing_and_energy",
    "legal_boundary",
    "management_body",
)


def _check_application(row: dict[str, Any]) -> list[tuple[str, str]]:
    # A third-party row's evaluator is checked by the importer, which knows whether the batch takes
    # third-party evaluation at all (a self-evaluation-only batch refuses the method instead).
    problems = []
    if row.get("category") == Category.PARK:
        for key in PARK_COLUMNS:
            if row.get(key) is None:
                header = APPLICATIONS.column(key).header
                problems.append((header, f"绿色工业园区必须填写“{header}”"))
    return problems


def _check_list_entry(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("status") == ListStatus.REVOKED and row.get("revoked_on") is None:
        return [("撤销日期", "状态为“已撤销”时必须填写撤销日期")]
    return []


def _check_record(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("end") is not None and row.get("start") is not None and row["end"] < row["start"]:
        return [("结束日期", f"结束日期 {row['end']} 早于开始日期 {row['start']}")]
    return []


def _check_evaluator(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("legal_entity_uscc") and row["legal_entity_uscc"] == row.get("uscc"):
        return [
            (
                "所属法人统一社会信用代码",
                "所属法人统一社会信用代码与本机构相同；法人本身请留空，只有分公司、分支机构填写",
            )
        ]
    return []


def _optional_uscc(raw: Any) -> str:
    return cells.uscc(raw) if cells.text(raw) else ""


APPLICATIONS = Sheet(
    name="申报",
    description="申报单位及其评价信息，每行一个申报（同一企业不同类别各占一行）",
    columns=(
        Column("统一社会信用代码", "uscc", cells.uscc, True, "91130100MA0XXXXXXX"),
        Column("名称", "name", cells.text, True, "石家庄某某钢铁有限公司"),
        Column("申报类别", "category", _choice(Category, "申报类别"), True, "绿色工厂"),
        Column("推荐单位", "unit", cells.text, True, "石家庄市"),
        Column("行业", "industry", cells.text, False, "31"),
        Column("评价方式", "method", _choice(Method, "评价方式"), True, "第三方评价"),
        Column("第三方机构统一社会信用代码", "evaluator_uscc", _optional_uscc, False, ""),
        Column("评价得分", "score", _score, False, "86.5"),
        Column("提交时间", "submitted_at", cells.moment, False, "2024-07-01 10:30"),
        Column("无结果承诺声明", "no_result_promise", cells.yes_no, False, "是"),
        Column("园区名称", "park_name", cells.text, False, ""),
        Column("园区级别", "park_level", _choice(ParkLevel, "园区级别"), False, "省级"),
        Column("工业增加值占比", "industrial_share", _percent, False, "62.5"),
        Column("主要功能为产品制造和能源供给", "manufacturing_and_energy", cells.yes_no, False, "是"),
        Column("有法定边界和范围", "legal_boundary", cells.yes_no, False, "是"),
        Column("有统一管理机构", "management_body", cells.yes_no, False, "是"),
        Column("产品", "product", cells.text, False, "水泥熟料"),
        Column("单位产品能耗", "unit_energy", _energy, False, "98"),
        Column("评价标准", "evaluation_standard", cells.text, False, "GB/T 36132-2018"),
    ),
    check=_check_application,
)

LIST_ENTRIES = Sheet(
    name="省级名单",
    description="绿色制造名单条目（省级、国家级、市级）；导入时记入名单库的列入、更名、撤销历史",
    columns=(
        Column("统一社会信用代码", "uscc", cells.uscc, True),
        Column("名称", "name", cells.text, True),
        Column("类别", "category", _choice(Category, "类别"), True, "绿色工厂"),
        Column("级别", "level", _choice(ListLevel, "级别"), True, "省级"),
        Column("推荐单位", "unit", cells.text, True, "石家庄市"),
        Column("列入年份", "year", _year, True, "2022"),
        Column("状态", "status", _choice(ListStatus, "状态"), True, "有效"),
        Column("撤销日期", "revoked_on", cells.date, False, ""),
        Column("所在园区统一社会信用代码", "park_uscc", _optional_uscc, False, ""),
    ),
    check=_check_list_entry,
)

NEGATIVE_RECORDS = Sheet(
    name="负面记录",
    description="可能导致不得推荐的负面记录（E1–E6）；结束日期为空表示仍在持续",
    columns=(
        Column("统一社会信用代码", "uscc", _optional_uscc, False),
        Column("名称", "name", cells.text, True),
        Column("类型", "type", _choice(RecordType, "类型"), True, "失信被执行人"),
        Column("开始日期", "start", cells.date, True, "2023-05-01"),
        Column("结束日期", "end", cells.date, False, ""),
        Column("来源", "source", cells.text, False, "信用中国"),
        Column("说明", "note", cells.text, False, ""),
    ),
    check=_check_record,
)

EVALUATORS = Sheet(
    name="第三方机构",
    description="第三方评价机构；分公司、分支机构填写所属法人的统一社会信用代码（V1–V3按同一法人合并计算）",
    columns=(
        Column("统一社会信用代码", "uscc", cells.uscc, True),
        Column("名称", "name", cells.text, True),
        Column("所属法人统一社会信用代码", "legal_entity_uscc", _optional_uscc, False, ""),
    ),
    check=_check_evaluator,
)

DIAGNOSES = Sheet(
    name="节能诊断",
    description="第三方机构为工业企业开展的免费节能诊断服务（V1）",
    columns=(
        Column("机构统一社会信用代码", "evaluator_uscc", cells.uscc, True),
        Column("服务企业统一社会信用代码", "client_uscc", cells.uscc, True),
        Column("服务日期", "day", cells.date, True, "2023-03-15"),
        Column("服务企业所在省", "client_province", cells.text, True, "河北省"),
    ),
)

BLACKLIST = Sheet(
    name="机构黑名单",
    description="因弄虚作假列入黑名单的评价机构（V2）",
    columns=(
        Column("机构统一社会信用代码", "evaluator_uscc", cells.uscc, True),
        Column("列入日期", "listed_on", cells.date, True, "2023-03-15"),
        Column("原因", "reason", cells.text, False),
    ),
)

# Import order: what later sheets refer to comes first.
SHEETS: tuple[Sheet, ...] = (EVALUATORS, BLACKLIST, DIAGNOSES, LIST_ENTRIES, NEGATIVE_RECORDS, APPLICATIONS)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}


# The columns and sheets only third-party evaluation needs (V1–V4).
EVALUATOR_COLUMNS = ("evaluator_uscc", "no_result_promise")
EVALUATOR_SHEETS = (EVALUATORS, BLACKLIST, DIAGNOSES)


def sheets_for(methods: tuple[str, ...]) -> tuple[Sheet, ...]:
    """The workbook a batch asks for: without third-party evaluation, no evaluator sheets and no
    evaluator columns in 申报 (the importer refuses a 第三方评价 row of such a batch anyway)."""
    if Method.THIRD_PARTY in methods:
        return SHEETS
    applications = Sheet(
        name=APPLICATIONS.name,
        description=APPLICATIONS.description + "（本批次仅自评价）",
        columns=tuple(c for c in APPLICATIONS.columns if c.key not in EVALUATOR_COLUMNS),
        check=APPLICATIONS.check,
    )
    return tuple(
        applications if sheet is APPLICATIONS else sheet for sheet in SHEETS if sheet not in EVALUATOR_SHEETS
    )
