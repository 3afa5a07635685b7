"""Benchmark: the 附件1 .docx for 1,000 rows against python-docx writing a bare table of the same size.

    .venv/bin/python bench/documents.py [--rows 1000] [--repeat 5]

Both are timed in the same run, from data in memory to .docx bytes, best of ``--repeat``. The bare
table is python-docx's documented idiom (``add_table`` then ``add_row().cells[i].text``) with no
styling at all; ours adds the title, three bordered sub-tables with repeated headers, fonts, page
setup and the signature block. Target: at most 2× the bare table. Exits 1 when the target is missed.
Bounded: at most 5,000 rows and 10 repeats.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable

import docx

from greenlist.documents import SummaryRow, SummaryTable, summary_table_docx, summary_table_xlsx

TARGET_RATIO = 2.0
MAX_ROWS, MAX_REPEAT = 5000, 10


def sample_rows(count: int) -> list[SummaryRow]:
    return [
        SummaryRow(
            f"河北省某某绿色制造第{i:04d}有限公司",
            "" if i % 7 == 0 else "中国某某质量认证中心河北分中心",
            "黑色金属冶炼和压延加工业",
            i % 3 != 0,
        )
        for i in range(1, count + 1)
    ]


def bare_table(rows: list[SummaryRow]) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells,
        ("序号", "工厂名称", "第三方机构名称", "行业", "是否列入省级绿色名单"),
        strict=True,
    ):
        cell.text = text
    for position, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        cells[0].text = str(position)
        cells[1].text = row.name
        cells[2].text = row.evaluator
        cells[3].text = row.industry_or_type
        cells[4].text = "是" if row.on_provincial_list else "否"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ours(rows: list[SummaryRow]) -> bytes:
    return summary_table_docx(SummaryTable("河北省", "2024", "河北省工业和信息化厅", factories=rows))


def ours_xlsx(rows: list[SummaryRow]) -> bytes:
    return summary_table_xlsx(SummaryTable("河北省", "2024", "河北省工业和信息化厅", factories=rows))


def best_of(repeat: int, work: Callable[[], bytes]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - start)
    return min(times), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    count, repeat = min(max(1, args.rows), MAX_ROWS), min(max(1, args.repeat), MAX_REPEAT)
    rows = sample_rows(count)
    ours(rows[:10])  # warm up imports and the template
    bare_seconds, bare_size = best_of(repeat, lambda: bare_table(rows))
    our_seconds, our_size = best_of(repeat, lambda: ours(rows))
    xlsx_seconds, xlsx_size = best_of(repeat, lambda: ours_xlsx(rows))
    ratio = our_seconds / bare_seconds
    print(f"rows: {count}, best of {repeat}")
    print(f"python-docx bare table: {bare_seconds * 1000:8.1f} ms  ({bare_size / 1024:.0f} KiB)")
    print(f"附件1 summary_table_docx: {our_seconds * 1000:8.1f} ms  ({our_size / 1024:.0f} KiB)")
    print(
        f"附件1 summary_table_xlsx: {xlsx_seconds * 1000:8.1f} ms  ({xlsx_size / 1024:.0f} KiB, not compared)"
    )
    print(f"ratio: {ratio:.2f}x (target ≤ {TARGET_RATIO:.0f}x) {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
