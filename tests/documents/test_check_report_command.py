"""``greenlist check-report FILE.docx --category factory|park|supply_chain --format json``."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.documents.helpers import good_report, report_docx, text


def run(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("check_report", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "报告.docx"
    path.write_bytes(report_docx())
    return path


@pytest.fixture
def long_intro(tmp_path: Path) -> Path:
    path = tmp_path / "简介过长.docx"
    path.write_bytes(report_docx(good_report(introduction=text(201))))
    return path


def test_a_good_report_prints_ok(good: Path) -> None:
    assert run(str(good), "--category", "factory", "--format", "json") == {"ok": True, "breaches": []}


def test_breaches_are_printed_in_the_contract_shape(long_intro: Path) -> None:
    result = run(str(long_intro), "--category", "factory", "--format", "json")
    assert result["ok"] is False
    assert result["breaches"] == [
        {
            "rule": "R2",
            "section": "企业简介",
            "limit": "≤200字",
            "actual": 201,
            "message": "“企业简介”应在200字以内，实际201字（按去除空白后的字数计，标点计入）",
        }
    ]


def test_the_category_sets_the_limit(long_intro: Path) -> None:
    # 201 characters is too long for a factory but within a park's 500 (the heading says 企业简介,
    # which is read as the introduction whatever the category).
    assert run(str(long_intro), "--category", "park")["ok"] is True


def test_missing_file_and_wrong_type_are_command_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        run(str(tmp_path / "没有.docx"), "--category", "factory")
    pdf = tmp_path / "报告.docx"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(CommandError, match=re.escape("文件内容为 PDF，但此处只接受 Word 文档（.docx）")):
        run(str(pdf), "--category", "factory")


def test_unknown_batch_is_a_command_error(good: Path) -> None:
    with pytest.raises(CommandError, match="找不到批次 1999"):
        run(str(good), "--category", "factory", "--batch", "1999")


def console(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenlist", "check-report", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_console_script_exit_codes(tmp_path: Path, good: Path, long_intro: Path) -> None:
    passed = console(str(good), "--category", "factory", "--format", "json", cwd=tmp_path)
    assert passed.returncode == 0 and json.loads(passed.stdout)["ok"] is True
    # Breaches are a result, not an error: the JSON is printed and the exit status is 0.
    failed = console(str(long_intro), "--category", "factory", "--format", "json", cwd=tmp_path)
    assert failed.returncode == 0 and json.loads(failed.stdout)["ok"] is False
    garbage = tmp_path / "乱码.docx"
    garbage.write_bytes(b"\x00\x01not a document")
    bad = console(str(garbage), "--category", "factory", cwd=tmp_path)
    assert bad.returncode != 0 and "无法检查“乱码.docx”" in bad.stderr
    wrong = console(str(good), "--category", "shop", cwd=tmp_path)
    assert wrong.returncode != 0


def test_a_batch_without_the_experience_report_says_so(good: Path) -> None:
    with pytest.raises(CommandError, match="不要求典型经验报告"):
        run(str(good), "--category", "factory", "--batch", "2025")
    assert run(str(good), "--category", "factory", "--batch", "2024") == {"ok": True, "breaches": []}
