"""The layouts of the summary table (附件1) and the recommendation letter, as data.

A batch file names its layout (``document_layout``); the file ``data/layouts/<id>.yaml`` gives
the summary table's title, its sub-tables (one per category, in order, with their titles and
column headers) and its columns (which field, which edition, their widths), and the letter's
title, categories with their measure words, the sentence describing how the list was made, and
the sentence on the materials sent with it. The 2024 layout reproduces the seed notice's 附件1;
a new kind of campaign is a new file, never new code. No Django here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenlist.documents.styles import TEXT_WIDTH_MM
from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml

DEFAULT_LAYOUT = "hebei-2024"
EDITIONS = ("unit", "province")  # a recommending unit's edition; the province-wide edition
FIELDS = ("serial", "unit", "name", "evaluator", "industry_or_type", "on_provincial_list", "score")


class LayoutError(ValueError):
    """A layout file is missing, malformed or incomplete (the message names what and where)."""


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    editions: tuple[str, ...]
    width_mm: Mapping[str, int]
    xlsx_width: Mapping[str, int]


@dataclass(frozen=True)
class Section:
    category: str
    title: str
    headers: Mapping[str, str]  # field → this sub-table's header, where it differs from the column's


@dataclass(frozen=True)
class SummaryLayout:
    label: str
    title: str  # with {unit} and {year}
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]

    def columns_of(self, edition: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if edition in c.editions)

    def headers(self, section: Section, edition: str) -> list[str]:
        return [section.headers.get(c.field, c.header) for c in self.columns_of(edition)]

    def title_for(self, unit: str, year: str) -> str:
        return self.title.format(unit=unit, year=year)


@dataclass(frozen=True)
class LetterCategory:
    category: str
    label: str
    measure: str


@dataclass(frozen=True)
class LetterLayout:
    title: str  # with {year}
    categories: tuple[LetterCategory, ...]
    process: str  # with {we}: how the list was made, in the opening paragraph
    materials: str  # the paragraph on what is sent with the letter

    @property
    def measures(self) -> dict[str, str]:
        return {c.label: c.measure for c in self.categories}


@dataclass(frozen=True)
class DocumentLayout:
    id: str
    source: str
    confidence: str
    summary_table: SummaryLayout
    letter: LetterLayout


def _need(data: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, Mapping) or data.get(key) in (None, ""):
        raise LayoutError(f"{where} 缺少“{key}”")
    return data[key]


def _widths(raw: Any, editions: tuple[str, ...], where: str) -> dict[str, int]:
    widths = {str(k): int(v) for k, v in (raw or {}).items()}
    missing = [e for e in editions if e not in widths]
    if missing:
        raise LayoutError(f"{where}：缺少{'、'.join(missing)}版本的列宽")
    return widths


def _summary(data: Mapping[str, Any], where: str) -> SummaryLayout:
    columns = []
    for index, raw in enumerate(_need(data, "columns", where)):
        item = f"{where} columns[{index}]"
        field = str(_need(raw, "field", item))
        if field not in FIELDS:
            raise LayoutError(f"{item}：未知数据项“{field}”（可用：{'、'.join(FIELDS)}）")
        editions = tuple(str(e) for e in raw.get("editions", EDITIONS))
        if set(editions) - set(EDITIONS):
            raise LayoutError(f"{item}：版本须为 {'、'.join(EDITIONS)}")
        columns.append(
            Column(
                field=field,
                header=str(_need(raw, "header", item)),
                editions=editions,
                width_mm=_widths(raw.get("width_mm"), editions, item),
                xlsx_width=_widths(raw.get("xlsx_width"), editions, item),
            )
        )
    sections = tuple(
        Section(
            category=str(_need(raw, "category", f"{where} sections[{i}]")),
            title=str(_need(raw, "title", f"{where} sections[{i}]")),
            headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
        )
        for i, raw in enumerate(_need(data, "sections", where))
    )
    layout = SummaryLayout(
        label=str(data.get("label", "附件1")),
        title=str(_need(data, "title", where)),
        columns=tuple(columns),
        sections=sections,
    )
    for edition in EDITIONS:
        chosen = layout.columns_of(edition)
        if "name" not in {c.field for c in chosen}:
            raise LayoutError(f"{where}：{edition}版本缺少名称列（field: name）")
        # Every edition's Word columns fill GB/T 9704's text block exactly, never the margin.
        total = sum(c.width_mm[edition] for c in chosen)
        if total != TEXT_WIDTH_MM:
            raise LayoutError(
                f"{where}：{edition}版本的列宽合计 {total} 毫米，须为版心宽 {TEXT_WIDTH_MM} 毫米"
            )
    return layout


def _letter(data: Mapping[str, Any], where: str) -> LetterLayout:
    return LetterLayout(
        title=str(_need(data, "title", where)),
        categories=tuple(
            LetterCategory(
                category=str(_need(raw, "category", f"{where} categories[{i}]")),
                label=str(_need(raw, "label", f"{where} categories[{i}]")),
                measure=str(raw.get("measure", "家")),
            )
            for i, raw in enumerate(_need(data, "categories", where))
        ),
        process=str(_need(data, "process", where)),
        materials=str(_need(data, "materials", where)).strip(),
    )


def layout_path(layout_id: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "layouts" / f"{layout_id}.yaml"


def load_layout(layout_id: str = DEFAULT_LAYOUT, data_dir: Path = DATA_DIR) -> DocumentLayout:
    path = layout_path(layout_id, data_dir)
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _load(path, stamp)


@functools.lru_cache(maxsize=16)
def _load(path: Path, stamp: int) -> DocumentLayout:
    # Keyed by the file's modification time: an edited layout file is read again.
    if not path.is_file():
        raise LayoutError(f"找不到版式文件 {path}")
    data = read_yaml(path)
    where = path.name
    if not isinstance(data, dict):
        raise LayoutError(f"{where} 不是 YAML 映射")
    return DocumentLayout(
        id=str(_need(data, "id", where)),
        source=str(data.get("source", "")),
        confidence=str(data.get("confidence", "C")),
        summary_table=_summary(_need(data, "summary_table", where), f"{where} summary_table"),
        letter=_letter(_need(data, "letter", where), f"{where} letter"),
    )
