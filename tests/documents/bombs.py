"""Builders of the hostile uploads of issue 15 (finding 6), written straight to disk in chunks so
the test process itself stays small: a .docx whose document.xml inflates to hundreds of MB while
its compression ratio passes the ratio check, a workbook with millions of shared strings, and a
zip listing a huge number of members."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import docx
from openpyxl import Workbook


def _word() -> bytes:
    document = docx.Document()
    document.add_paragraph("典型经验报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _excel_parts() -> dict[str, bytes]:
    """The parts of a workbook with a 负面记录 sheet, but its shared strings (written by the builder)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "负面记录"
    sheet.append(["统一社会信用代码", "名称", "类型", "开始日期"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    # openpyxl writes inline strings: declare the shared strings part, as Excel's files do.
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    return parts


WORD, EXCEL_PARTS = _word(), _excel_parts()
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _noisy_text(size: int, noise: int) -> bytes:
    """``size`` bytes of text where ``noise`` bytes in every 50 000 are random: the part then
    compresses about 50 000 / noise times, under the ratio check's 100."""
    filler = "绿色制造典型经验。".encode() * (50_000 // 27 + 1)
    block = os.urandom(noise).hex().encode()[:noise] + filler[: 50_000 - noise]
    return block * (size // len(block) + 1)


def docx_with_document_xml(path: Path, inflated: int, noise: int = 1200) -> Path:
    """A Word package whose word/document.xml inflates to about ``inflated`` bytes of body text."""
    with zipfile.ZipFile(io.BytesIO(WORD)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, source.read(info.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body><w:p><w:r><w:t>'.encode()
            )
            piece = _noisy_text(4 * 1024 * 1024, noise)
            written = 0
            while written < inflated:
                part.write(piece)
                written += len(piece)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def xlsx_with_shared_strings(path: Path, count: int) -> Path:
    """A workbook with one 负面记录 sheet and ``count`` distinct shared strings (a few used)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in EXCEL_PARTS.items():
            out.writestr(name, content)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {_MAIN}>'.encode())
            step = 100_000
            for start in range(0, count, step):
                part.write(
                    "".join(f"<si><t>{n}</t></si>" for n in range(start, min(count, start + step))).encode()
                )
            part.write(b"</sst>")
    return path


def zip_with_members(path: Path, count: int) -> Path:
    """A zip whose central directory lists ``count`` members, every entry pointing at the same
    empty stored file: ~47 bytes a member on disk, an object a member in :mod:`zipfile`."""
    name = b"a"
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
    central = (
        struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    with path.open("wb") as out:
        out.write(local)
        step = 100_000
        for start in range(0, count, step):
            out.write(central * min(step, count - start))
        size = len(central) * count
        # The end record's 16-bit count says 65535; zipfile walks the whole directory regardless.
        out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, len(local), 0))
    return path
