"""The command line as a user runs it: the installed `greenlist` console script in a process of
its own, on the test database — `template`, `export` and `notify --loop` (docs/contracts/cli.md)."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from docx import Document
from openpyxl import load_workbook

from greenlist.campaign.models import Batch, Notification
from greenlist.decisions.documents import recommended
from greenlist.decisions.transitions import transition
from greenlist.exchange.sheets import SHEETS
from greenlist.registry.models import NegativeRecord, RecommendingUnit
from greenlist.rules.vocabulary import RecordType
from greenlist.scoping import unscoped
from tests.ops.test_mail import Mailbox
from tests.subprocesses import console_script, environment, free_port, greenlist, wait_for

# The sheets of the exchange workbook, as docs/contracts/workbook.md names them.
CONTRACT_SHEETS = {"申报", "省级名单", "负面记录", "第三方机构", "节能诊断", "机构黑名单"}


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_template_writes_the_workbook_and_one_csv_per_sheet(tmp_path: Path) -> None:
    no_database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    written = greenlist(tmp_path, "template", str(tmp_path / "模板.xlsx"), **no_database)
    assert written.returncode == 0, written.stderr
    assert "已写出模板" in written.stdout
    book = load_workbook(tmp_path / "模板.xlsx")
    assert set(book.sheetnames) >= CONTRACT_SHEETS
    for sheet in SHEETS:
        headers = [cell.value for cell in book[sheet.name][1]]
        assert headers == [column.header for column in sheet.columns], sheet.name
        assert set(sheet.required_headers) <= set(headers)

    folder = greenlist(tmp_path, "template", str(tmp_path / "csv"), **no_database)
    assert folder.returncode == 0, folder.stderr
    assert {path.stem for path in (tmp_path / "csv").glob("*.csv")} == {sheet.name for sheet in SHEETS}
    for sheet in SHEETS:
        text = (tmp_path / "csv" / f"{sheet.name}.csv").read_text(encoding="utf-8-sig")
        assert next(csv.reader(io.StringIO(text))) == [column.header for column in sheet.columns]


@pytest.mark.django_db(transaction=True)
def test_a_filled_template_imports_from_the_command_line(tmp_path: Path) -> None:
    assert greenlist(tmp_path, "template", str(tmp_path / "模板.xlsx")).returncode == 0
    book = load_workbook(tmp_path / "模板.xlsx")
    sheet = book["负面记录"]
    headers = [cell.value for cell in sheet[1]]
    row = {"名称": "模板往返测试有限公司", "类型": "偷漏税", "开始日期": "2023-03-01", "来源": "税务部门"}
    sheet.append([row.get(str(header), "") for header in headers])
    book.save(tmp_path / "filled.xlsx")

    imported = greenlist(tmp_path, "import-workbook", str(tmp_path / "filled.xlsx"))

    assert imported.returncode == 0, imported.stderr
    with unscoped():
        record = NegativeRecord.objects.get(name="模板往返测试有限公司")
    assert (record.type, record.start.isoformat(), record.source) == (
        RecordType.TAX_EVASION,
        "2023-03-01",
        "税务部门",
    )


@pytest.mark.django_db(transaction=True)
def test_export_writes_each_official_document(demo: None, tmp_path: Path) -> None:
    with unscoped():
        batch = Batch.current()
        unit = RecommendingUnit.objects.get(name="石家庄市")
        names = [a.listed_name for a in recommended(batch, unit)]
    assert names  # the demo has a recommended list in 石家庄市

    out = tmp_path / "附件1.docx"
    result = greenlist(
        tmp_path, "export", "summary-table", "--batch", batch.code, "--unit", "石家庄市", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    table = docx_text(out)
    assert f"石家庄市{batch.code}年度国家绿色制造名单推荐汇总表" in table
    assert all(name in table for name in names)

    letter = tmp_path / "推荐意见.docx"
    done = greenlist(tmp_path, "export", "letter", "--unit", "石家庄市", "--out", str(letter))
    assert done.returncode == 0, done.stderr
    assert "石家庄市工业和信息化局" in docx_text(letter)

    pack = tmp_path / "材料包.zip"
    done = greenlist(tmp_path, "export", "pack", "--unit", "石家庄市", "--out", str(pack))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(pack) as archive:
        assert archive.testzip() is None
        assert "manifest.csv" in archive.namelist()

    wrong = greenlist(tmp_path, "export", "letter", "--unit", "石家庄市", "--out", str(tmp_path / "x.pdf"))
    assert wrong.returncode != 0
    assert "letter 的输出文件须以 .docx 结尾" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_notify_loop_sends_what_is_queued_each_round_until_stopped(
    personas: Any, mailbox: tuple[Mailbox, int], tmp_path: Path
) -> None:
    box, port = mailbox
    for user in (personas.applicant_x, personas.city_a, personas.applicant_y, personas.city_b):
        user.email = f"{user.username}@example.com"
        user.save()
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    with unscoped():
        first_round = Notification.objects.count()
    assert first_round > 0
    env = environment(
        tmp_path,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="5",
        DEFAULT_FROM_EMAIL="greenlist@gxt.example.gov.cn",
    )
    log = (tmp_path / "notify.log").open("w+")
    process = subprocess.Popen(
        [console_script(), "notify", "--loop", "1"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: len(box.messages) >= first_round, "the first round's notices")
        # A notice queued while the loop sleeps goes out in a later round.
        transition(personas.app_y, "submitted", actor=personas.applicant_y)
        with unscoped():
            total = Notification.objects.count()
        assert total > first_round
        wait_for(lambda: len(box.messages) >= total, "the notices queued after the first round")
        assert process.poll() is None  # --loop keeps running
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    log.seek(0)
    output = log.read()
    assert process.returncode == 0, output  # SIGTERM lets the round finish, then the loop ends
    rounds = output.count("新增截止提醒")
    assert rounds >= 2, output
    recipients = sorted(rcpt for rcpts, _ in box.messages for rcpt in rcpts)
    with unscoped():
        queued = list(Notification.objects.all())
        assert all(n.sent_at is not None for n in queued)
        assert recipients == sorted(n.recipient.email for n in queued)
