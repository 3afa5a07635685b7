"""Builders for document tests: real PNG/JPEG bytes made by hand (no imaging library), report
texts of an exact counted length, and OOXML packages with parts added or replaced."""

from __future__ import annotations

import dataclasses
import io
import struct
import zipfile
import zlib

from greenlist.documents.experience_report import experience_report_docx
from greenlist.rules.report import ExperienceReport, Highlight


def png(width: int = 40, height: int = 30, rgb: tuple[int, int, int] = (0, 128, 0)) -> bytes:
    """A valid truecolour PNG: signature, IHDR, one zlib IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int = 64, height: int = 48) -> bytes:
    """SOI, a JFIF APP0 segment, a baseline frame header (SOF0) and EOI: enough to be recognised."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def text(chars: int, unit: str = "绿色低碳，节能。") -> str:
    """``chars`` counted characters, wrapped with whitespace that must not count."""
    body = (unit * (chars // len(unit) + 1))[:chars]
    return " " + "\n".join(body[i : i + 30] for i in range(0, len(body), 30)) + " \u3000"


def good_report(**changes: object) -> ExperienceReport:
    report = ExperienceReport(
        inspiration=text(40),
        title="以数字化推动全流程绿色升级",
        introduction=text(180),
        practices=text(600),
        highlights=(
            Highlight("屋顶光伏全覆盖", text(300), 1),
            Highlight("余热回收再利用", text(250), 1),
            Highlight("智慧能源管控", text(380), 1),
        ),
        next_steps=text(200),
    )
    return dataclasses.replace(report, **changes)  # type: ignore[arg-type]


def one_picture_each(report: ExperienceReport) -> list[list[tuple[bytes, str]]]:
    return [[(png(), f"图{i + 1} 现场照片")] for i in range(len(report.highlights))]


def report_docx(
    report: ExperienceReport | None = None, category: str = "factory", pictures: object = None
) -> bytes:
    report = report or good_report()
    chosen = one_picture_each(report) if pictures is None else pictures
    return experience_report_docx("河北某某钢铁有限公司", category, report, chosen)  # type: ignore[arg-type]


def rezip(
    package: bytes,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The package with parts replaced and added (``replace`` also adds missing parts)."""
    add, replace = add or {}, replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            data = replace.pop(info.filename, None)
            target.writestr(info.filename, data if data is not None else source.read(info))
        for name, data in {**replace, **add}.items():
            target.writestr(name, data)
    return out.getvalue()


def read_part(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(name)
