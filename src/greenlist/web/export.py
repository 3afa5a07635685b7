"""Any list page as an .xlsx download of exactly what its filters select (every page, not only the
one shown). Text that a spreadsheet would take for a formula is written as text
(``documents.formulas``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from greenlist.documents.formulas import set_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headers))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet)
            set_cell(cell, "" if value is None else value)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_query(request: HttpRequest) -> str:
    """The page's own filters (without the page number) plus ``format=xlsx``."""
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return params.urlencode()
