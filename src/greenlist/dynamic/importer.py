"""A city's workbook of filings: one sheet 动态管理表, one row per listed unit, one column per field
of the cycle's form (by its Chinese name). All or nothing: every row is checked first; any bad
row is reported with its row number, column and reason, and nothing is written.

The columns follow the form file, so a new form version needs no code here either.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.actions import ActionRefused
from greenlist.decisions.refusals import NotPermitted
from greenlist.documents.uploads import UploadLimits, UploadRefused, inspect_upload
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing
from greenlist.exchange.cells import CellError, text, uscc
from greenlist.exchange.reader import RowError
from greenlist.registry.models import ProvincialListEntry
from greenlist.rules import filing as rules
from greenlist.rules.vocabulary import Category, ListLevel
from greenlist.scoping import unscoped

SHEET = "动态管理表"
KEY_HEADERS = ("统一社会信用代码", "名称", "类别", "级别")
MAX_ROWS = 5000  # a city's listed units are a few hundred; a bigger sheet is a wrong file
_HEADER_FILL = PatternFill("solid", fgColor="2F5496")


class FilingsImportError(ValueError):
    """The file as a whole cannot be read (wrong type, no 动态管理表 sheet, too many rows)."""


@dataclass
class FilingsImportReport:
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """The job's result (``campaign.Job.result``): every bad row, not a sample."""
        return {
            "ok": self.ok,
            "rows": self.rows,
            "written": self.written,
            "error_count": len(self.errors),
            "errors": [e.as_dict() for e in self.errors],
        }


# Called with (stage, rows done, rows in the stage): checking, then writing.
Progress = Callable[[str, int, int], None]
CHECKING = "正在检查各行"
WRITING = "正在写入"


def _every(total: int) -> int:
    """Report about a hundred times per stage, whatever the sheet's size."""
    return max(1, total // 100)


def _header(value: Any) -> str:
    return "".join(str(value or "").split())


def template_bytes(the_cycle: rules.Cycle, the_form: rules.Form) -> bytes:
    """The empty workbook: a guide sheet naming each column's unit and check, and 动态管理表."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "填写说明"
    guide.append(["列名", "单位", "适用类别", "必填", "取值要求", "说明"])
    for label in KEY_HEADERS:
        guide.append([label, "", "全部", "是", "", "名单单位须为本市有效名单单位"])
    for form_field in the_form.fields:
        limits = []
        if form_field.minimum is not None:
            limits.append(f"≥{form_field.minimum}")
        if form_field.maximum is not None:
            limits.append(f"≤{form_field.maximum}")
        if form_field.choices:
            limits.append("、".join(form_field.choices))
        categories = "、".join(Category(c).label for c in form_field.categories) or "全部"
        guide.append(
            [
                form_field.name,
                form_field.unit,
                categories,
                "是" if form_field.required else "",
                " ".join(limits),
                "",
            ]
        )
    guide.append([])
    guide.append(
        [f"{the_cycle.title}；填报表 {the_form.version}（{the_form.title}，可信度 {the_form.confidence}）"]
    )
    sheet = book.create_sheet(SHEET)
    sheet.append([*KEY_HEADERS, *(f.name for f in the_form.fields)])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    limits = UploadLimits.configured()
    try:
        inspect_upload(path.name, path, {"xlsx"}, limits.max_workbook_bytes, limits=limits)
    except UploadRefused as refusal:
        raise FilingsImportError(f"“{path.name}”未导入：{refusal}") from refusal
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise FilingsImportError(f"无法读取工作簿“{path.name}”：文件已损坏或不是 .xlsx 格式。") from exc
    titles = {title.strip(): title for title in book.sheetnames}
    if SHEET not in titles:
        raise FilingsImportError(f"工作簿中没有名为“{SHEET}”的工作表，请使用系统提供的模板。")
    worksheet = book[titles[SHEET]]
    iterator = worksheet.iter_rows(values_only=True)
    headers = [_header(h) for h in next(iterator, ())]
    rows = []
    for number, row in enumerate(iterator, start=2):
        cells = list(row)
        if all(text(c) == "" for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise FilingsImportError(f"“{SHEET}”超过 {MAX_ROWS} 行：请按设区市拆分后分别导入。")
    book.close()
    return headers, rows


def import_filings(
    path: Path, *, actor: User, the_cycle: rules.Cycle, progress: Progress | None = None
) -> FilingsImportReport:
    """Import the city's filings as handed in (state 已提交待审核). A city imports only its own
    listed units; a row naming another city's unit is a row error, like a bad value.
    ``progress`` (the worker's) hears of the rows checked, then of the rows written."""
    if actor.role != Role.CITY or actor.unit_id is None or not actor.is_active:
        raise NotPermitted("只有设区市工业和信息化主管部门可以导入本市的动态管理表。")
    the_form = service.form(the_cycle.form_version)
    headers, rows = _rows(path)
    report = FilingsImportReport(rows=len(rows))
    missing = [h for h in KEY_HEADERS[:1] + KEY_HEADERS[2:] if h not in headers]
    named = [h for h in headers if h]
    twice = sorted({h for h in named if named.count(h) > 1}, key=named.index)
    if missing or twice:
        report.errors = [RowError(SHEET, 1, h, "缺少必需的列（请使用系统提供的模板）") for h in missing] + [
            RowError(SHEET, 1, h, "列名重复：同一列只能出现一次，请删除多余的列") for h in twice
        ]
        return report
    categories = {c.label: c.value for c in Category}
    levels = {lv.label: lv.value for lv in ListLevel}
    by_name = {f.name: f.code for f in the_form.fields}
    planned: list[tuple[ProvincialListEntry, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    with unscoped():
        own = {
            (e.uscc, e.category, e.level): e for e in service.entries(the_cycle).filter(unit_id=actor.unit_id)
        }
        states = dict(
            Filing.objects.filter(cycle_year=the_cycle.year, unit_id=actor.unit_id).values_list(
                "entry_id", "state"
            )
        )
    step = _every(len(rows))
    for done, (number, cells) in enumerate(rows, start=1):
        if progress and (done % step == 0 or done == len(rows)):
            progress(CHECKING, done, len(rows))
        row = {headers[i]: cells[i] for i in range(min(len(headers), len(cells))) if headers[i]}
        errors: list[RowError] = []
        try:
            code = uscc(row.get("统一社会信用代码"))
        except CellError as exc:
            errors.append(RowError(SHEET, number, "统一社会信用代码", str(exc)))
            code = ""
        category = categories.get(text(row.get("类别")))
        if category is None:
            errors.append(RowError(SHEET, number, "类别", f"须为 {'、'.join(categories)} 之一"))
        level = levels.get(text(row.get("级别")))
        if level is None:
            errors.append(RowError(SHEET, number, "级别", f"须为 {'、'.join(levels)} 之一"))
        entry = own.get((code, category or "", level or "")) if code else None
        if code and category and level and entry is None:
            errors.append(
                RowError(
                    SHEET,
                    number,
                    "统一社会信用代码",
                    "不是本市本周期应填报的有效名单单位（请核对代码、类别和级别）",
                )
            )
        if entry is not None:
            if entry.pk in seen:
                errors.append(RowError(SHEET, number, "统一社会信用代码", f"与第{seen[entry.pk]}行重复"))
            seen.setdefault(entry.pk, number)
            state = states.get(entry.pk)
            if state is not None and state not in service.EDITABLE:
                errors.append(
                    RowError(
                        SHEET, number, "统一社会信用代码", "该单位的动态管理表已提交或已审核，不能用导入覆盖"
                    )
                )
            raw = {by_name[h]: v for h, v in row.items() if h in by_name}
            raw = {k: text(v) for k, v in raw.items()}
            _, field_errors = rules.check_values(the_form, entry.category, raw)
            names = {f.code: f.name for f in the_form.fields}
            errors.extend(RowError(SHEET, number, names.get(c, c), m) for c, m in field_errors.items())
            if not errors:
                planned.append((entry, raw))
        report.errors.extend(errors)
    if report.errors:
        return report
    step = _every(len(planned))
    with transaction.atomic():
        for entry, raw in planned:
            # Checked above; a race (the unit handed its table in meanwhile) rolls everything back.
            try:
                result = service.save_filing(entry, the_cycle, raw, actor=actor, submit=True, via_import=True)
            except ActionRefused as refusal:
                raise FilingsImportError(f"未导入：{refusal}") from refusal
            if result.errors:
                raise FilingsImportError(f"{entry.name}：{'；'.join(result.errors.values())}")
            report.written += 1
            if progress and (report.written % step == 0 or report.written == len(planned)):
                progress(WRITING, report.written, len(planned))
        record(
            actor=actor,
            action=Action.FILINGS_IMPORTED,
            object_type="dynamic.filings",
            object_label=f"{path.name}",
            unit=actor.unit,
            details={"cycle": the_cycle.year, "rows": report.rows, "written": report.written},
        )
    return report
