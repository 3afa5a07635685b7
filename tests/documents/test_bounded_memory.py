"""Finding 6 of issue 15: hostile uploads are refused in bounded memory.

Each check runs the code a request runs (report check, workbook reader, attachment inspection) in
a fresh interpreter, started by a small parent that reports its child's peak resident memory
(``RUSAGE_CHILDREN``), so nothing else this test session did counts towards it. Before the fix
these inputs took hundreds of MB (the inflated document.xml kept and parsed, every shared string
loaded by openpyxl, an object per listed member built by zipfile).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.documents.bombs import docx_with_document_xml, xlsx_with_shared_strings, zip_with_members

MB = 1024 * 1024
# An interpreter with python-docx, lxml and openpyxl imported uses ~60 MB; the inputs below
# would each take several hundred more if read or parsed whole.
PEAK_LIMIT_MB = 150
CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[2]

_PARENT = textwrap.dedent(
    """
    import resource, subprocess, sys
    child = subprocess.run([sys.executable, "-c", sys.argv[1]], capture_output=True, text=True)
    sys.stdout.write(child.stdout)
    sys.stderr.write(child.stderr)
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """
)


def run_measured(code: str) -> tuple[str, float]:
    """The child's output and its peak resident memory in MB."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the upload checks are pure: their defaults apply
    done = subprocess.run(
        [sys.executable, "-c", _PARENT, textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    peak = re.search(r"PEAK_KB (\d+)", done.stdout)
    assert peak, done.stderr
    return done.stdout + done.stderr, int(peak.group(1)) / 1024


def assert_refused_in_bounded_memory(output: str, peak_mb: float, *, expected: str) -> None:
    refusal = re.search(r"REFUSED (.*)", output)
    assert refusal, f"not refused: {output[-2000:]}"
    assert CJK.search(refusal.group(1)), "the reason is written in Chinese"
    assert expected in refusal.group(1)
    assert peak_mb < PEAK_LIMIT_MB, f"peak memory {peak_mb:.0f} MB"


def test_a_report_whose_document_xml_inflates_to_190_mb(tmp_path: Path) -> None:
    path = docx_with_document_xml(tmp_path / "report.docx", 190 * MB)
    assert path.stat().st_size < 20 * MB  # within the report's upload limit, ratio under 100
    output, peak = run_measured(
        f"""
        from pathlib import Path
        from greenlist.documents import UploadRefused, check_report
        from greenlist.rules.batch import load_batch
        try:
            check_report(Path({str(path)!r}).read_bytes(), "factory", load_batch("hebei", "2024"))
            print("ACCEPTED")
        except UploadRefused as refusal:
            print("REFUSED", refusal)
        """
    )
    assert_refused_in_bounded_memory(output, peak, expected="document.xml")


def test_a_workbook_with_millions_of_shared_strings(tmp_path: Path) -> None:
    path = xlsx_with_shared_strings(tmp_path / "负面记录.xlsx", 2_500_000)
    output, peak = run_measured(
        f"""
        from pathlib import Path
        from greenlist.exchange.reader import WorkbookError, open_sources
        try:
            open_sources(Path({str(path)!r}))
            print("ACCEPTED")
        except WorkbookError as refusal:
            print("REFUSED", refusal)
        """
    )
    assert_refused_in_bounded_memory(output, peak, expected="共享字符串")


def test_a_zip_listing_a_million_members(tmp_path: Path) -> None:
    path = zip_with_members(tmp_path / "members.docx", 1_000_000)
    assert path.stat().st_size < 50 * MB  # within the attachments' upload limit
    output, peak = run_measured(
        f"""
        from greenlist.documents import UploadRefused, inspect_upload
        with open({str(path)!r}, "rb") as handle:
            try:
                inspect_upload("members.docx", handle, {{"pdf", "docx", "xlsx"}}, 50 * 1024 * 1024)
                print("ACCEPTED")
            except UploadRefused as refusal:
                print("REFUSED", refusal)
        """
    )
    assert_refused_in_bounded_memory(output, peak, expected="文件过多")
