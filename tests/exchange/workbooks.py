"""Builders for exchange workbooks in tests (real .xlsx and .csv files, read back by the importer)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from greenlist.exchange.sheets import BY_NAME


def write_xlsx(path: Path, sheets: dict[str, list[dict[str, Any]]]) -> Path:
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for name, rows in sheets.items():
        headers = [c.header for c in BY_NAME[name].columns] if name in BY_NAME else list(rows[0])
        ws = book.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None) -> Path:
    headers = headers or list(rows[0])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return path


def application_row(uscc: str, name: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "统一社会信用代码": uscc,
        "名称": name,
        "申报类别": "绿色工厂",
        "推荐单位": "石家庄市",
        "行业": "机械",
        "评价方式": "自评价",
        "评价得分": 88.5,
        "提交时间": dt.datetime(2024, 7, 1, 10, 30),
        "无结果承诺声明": "否",
    }
    row.update(overrides)
    return row
