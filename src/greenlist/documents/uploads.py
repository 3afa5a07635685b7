"""Upload checks: what a file is, by its content, and whether it is safe to keep and to open.

Applicants, evaluators and cities upload evaluation reports (PDF), experience reports (.docx),
pictures (PNG/JPEG) and exchange workbooks (.xlsx/.csv). A file's name and the browser's MIME type
are the sender's claims, so only the bytes decide: magic numbers for PDF/PNG/JPEG, the package
parts for .docx/.xlsx, strict UTF-8 for CSV. A refusal raises :class:`UploadRefused` whose message
says why in Chinese, for the uploader to read.

Refused, besides wrong types and oversize files:

- zip bombs: more than ``max_entries`` parts, more than ``max_uncompressed`` bytes once inflated
  (counted while actually inflating, not taken from the headers), or a part of over 1 MiB inflating
  more than ``max_ratio`` times; duplicate part names; compression methods Office never writes;
- encrypted zips, and Office files saved with a password (those are OLE2 containers, not zips);
- corrupt files: a zip whose parts fail their checksums, a PNG without its end chunk, a PDF
  without ``%%EOF``;
- macros and active content: ``vbaProject.bin``, macro-enabled content types, ActiveX controls,
  embedded OLE objects (``embeddings/*.bin``, which can carry any program);
- external references: any relationship with ``TargetMode="External"`` except hyperlinks
  (attachedTemplate, external images, linked OLE objects, subdocuments, frames, mail-merge sources,
  external workbook links), xlsx external links and data connections, and the Word fields that
  fetch or run something when the document opens (DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK).
  Plain hyperlinks are allowed: they are inert until a reader clicks them, and reports cite web pages;
- DTDs in any XML part (``<!DOCTYPE``/``<!ENTITY``): OOXML never has one, and entity expansion is
  the XML parser's bomb;
- pictures over ``MAX_IMAGE_PIXELS`` (a small PNG can declare a canvas that fills memory when shown).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO, Any
from xml.etree import ElementTree

import olefile

MiB = 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * MiB
MAX_COMPRESSION_RATIO = 100
_RATIO_MIN_SIZE = 1 * MiB  # small XML parts legitimately compress very well
MAX_IMAGE_PIXELS = 100_000_000  # a 24-megapixel phone photo is well inside
_CHUNK = 256 * 1024

KINDS = ("docx", "doc", "xlsx", "pdf", "png", "jpeg", "csv")

# What the file turned out to be, as the refusal names it.
DETECTED_NAMES = {
    "docx": "Word 文档",
    "doc": "Word 97-2003 或 WPS 文档",
    "xlsx": "Excel 工作簿",
    "pdf": "PDF",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "csv": "CSV 文本",
    "zip": "ZIP 压缩包",
    "ole": "旧版 Office 文档（.doc/.xls）或加密的 Office 文档",
    "office": "其他 Office 文档（如 PowerPoint）",
}
# What a place accepts, as the refusal lists it.
ACCEPTED_NAMES = {
    "docx": "Word 文档（.docx）",
    "doc": "Word 97-2003 或 WPS 文档（.doc、.wps）",
    "xlsx": "Excel 工作簿（.xlsx）",
    "pdf": "PDF 文件（.pdf）",
    "png": "PNG 图片（.png）",
    "jpeg": "JPEG 图片（.jpg）",
    "csv": "UTF-8 编码的 CSV 文件（.csv）",
}

_EXTERNAL_WHAT = {
    "attachedTemplate": "引用了外部模板（attachedTemplate）",
    "oleObject": "链接了外部 OLE 对象",
    "image": "引用了外部图片",
    "subDocument": "引用了外部子文档",
    "frame": "引用了外部框架页",
    "externalLinkPath": "链接了外部工作簿",
    "externalLink": "链接了外部工作簿",
    "mailMergeSource": "引用了外部邮件合并数据源",
    "mailMergeHeaderSource": "引用了外部邮件合并数据源",
}
# Word fields that reach outside the document or run a program when it opens or updates.
_DANGEROUS_FIELD = re.compile(r"^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|LINK)\b", re.IGNORECASE)
# Also in UTF-16, which OOXML parts may use.
_DTD_MARKERS = tuple(
    m.encode(codec) for m in ("<!DOCTYPE", "<!ENTITY") for codec in ("ascii", "utf-16-le", "utf-16-be")
)
_MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|activeX", re.IGNORECASE)


class UploadRefused(ValueError):
    """An upload that is not accepted. ``str(exc)`` is the Chinese reason; ``code`` is stable
    for programs (too_large, empty, type_not_allowed, unknown_type, encoding, corrupt, encrypted,
    zip_bomb, macro, external_reference, dtd, image_too_large)."""

    def __init__(self, message: str, code: str, name: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.name = message, code, name


def _size(count: int) -> str:
    if count >= MiB:
        return f"{count / MiB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(count / 1024))} KB"


def _read(data: bytes | IO[bytes] | Any, max_bytes: int) -> bytes:
    """The file's bytes, reading at most one byte more than the limit (so a huge upload is refused
    without being read), and rewinding a file object so the caller can store it afterwards."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    declared = getattr(data, "size", None)  # Django's UploadedFile knows its size
    if isinstance(declared, int) and declared > max_bytes:
        raise UploadRefused(f"文件大小为 {_size(declared)}，超过上限 {_size(max_bytes)}", "too_large")
    seekable = getattr(data, "seekable", None)
    start = data.tell() if callable(seekable) and seekable() else None
    content = data.read(max_bytes + 1)
    if start is not None:
        data.seek(start)
    return bytes(content)


def inspect_upload(
    name: str,
    data: bytes | IO[bytes] | Any,
    allowed: Iterable[str],
    max_bytes: int,
    *,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
) -> str:
    """The file's kind (one of :data:`KINDS` that is in ``allowed``), or :class:`UploadRefused`.

    ``name`` is only used to label the refusal (the content decides the kind). ``data`` is bytes or
    a binary file object (read from its current position, then rewound).
    """
    allowed = set(allowed)
    unknown = allowed - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    try:
        content = _read(data, max_bytes)
        if len(content) > max_bytes:
            raise UploadRefused(f"文件超过大小上限 {_size(max_bytes)}", "too_large")
        if not content:
            raise UploadRefused("文件为空", "empty")
        kind = _detect(content, max_entries)
        if kind not in allowed:
            accepted = "、".join(ACCEPTED_NAMES[k] for k in KINDS if k in allowed)
            raise UploadRefused(
                f"文件内容为 {DETECTED_NAMES[kind]}，但此处只接受 {accepted}", "type_not_allowed"
            )
        if kind in ("docx", "xlsx"):
            _check_package(content, kind, max_entries, max_uncompressed, max_ratio)
        elif kind == "doc":
            _check_word_binary(content)
        elif kind == "png":
            _check_png(content)
        elif kind == "jpeg":
            _check_jpeg(content)
        elif kind == "pdf" and b"%%EOF" not in content[-2048:]:
            raise UploadRefused("PDF 文件不完整（缺少文件结束标记），可能在传输中被截断", "corrupt")
        return kind
    except UploadRefused as exc:
        exc.name = name
        raise


# ---------------------------------------------------------------------------------------------
# What is it?


def _detect(content: bytes, max_entries: int) -> str:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _detect_ole(content)
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _detect_package(content, max_entries)
    return _detect_text(content)


def _detect_ole(content: bytes) -> str:
    """An OLE2 compound file: a Word 97-2003 document, or a WPS document (WPS Office writes the
    same binary Word layout, with a ``WordDocument`` stream), is "doc"; anything else (an .xls, a
    password-protected .docx, which is an OLE file holding an ``EncryptedPackage``) stays "ole"."""
    try:
        with olefile.OleFileIO(content) as ole:
            return "doc" if ole.exists("WordDocument") else "ole"
    except (OSError, ValueError, IndexError, struct.error):
        return "ole"  # unreadable as a Word file: refused as an Office file of another kind


def _check_word_binary(content: bytes) -> None:
    """The checks .docx gets, on a binary Word/WPS file: no password, no macros, no embedded
    objects (the ObjectPool storage holds OLE objects, which can carry any program)."""
    try:
        with olefile.OleFileIO(content) as ole:
            header = ole.openstream("WordDocument").read(12)
            paths = [list(path) for path in ole.listdir(streams=True, storages=True)]
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise UploadRefused(f"文件已损坏，无法作为 Word 文档读取（{type(exc).__name__}）", "corrupt") from exc
    if len(header) < 12:
        raise UploadRefused("文件已损坏：Word 文档头不完整", "corrupt")
    flags = struct.unpack_from("<H", header, 10)[0]
    if flags & 0x0100:  # FIB fEncrypted
        raise UploadRefused("文件已加密，请取消密码后重新上传", "encrypted")
    if {path[0] for path in paths} & {"Macros", "_VBA_PROJECT_CUR", "VBA"}:
        raise UploadRefused("文件含有宏，请另存为不含宏的文档后重新上传", "macro")
    if any(path[0] == "ObjectPool" and len(path) > 1 for path in paths):
        raise UploadRefused("文件含有嵌入的 OLE 对象，请删除后重新上传", "macro")


def _open_zip(content: bytes, max_entries: int) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))  # BytesIO shares, not copies, the bytes
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UploadRefused(f"文件已损坏，无法作为压缩包读取（{type(exc).__name__}）", "corrupt") from exc
    if len(archive.infolist()) > max_entries:
        raise UploadRefused(
            f"压缩包内文件过多（{len(archive.infolist())} 个，上限 {max_entries} 个），疑似压缩炸弹",
            "zip_bomb",
        )
    return archive


def _small_part(archive: zipfile.ZipFile, name: str, limit: int = 2 * MiB) -> bytes | None:
    """A part read only as far as ``limit`` (kind detection happens before the bomb checks)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise UploadRefused("文件已加密，请取消密码后重新上传", "encrypted")
    try:
        with archive.open(info) as part:
            return part.read(limit)
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, EOFError) as exc:
        raise UploadRefused(f"文件已损坏：“{name}”无法解压", "corrupt") from exc


def _detect_package(content: bytes, max_entries: int) -> str:
    archive = _open_zip(content, max_entries)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        return "zip"
    main = _main_part(archive)
    if main.startswith("word/") or "word/document.xml" in names:
        return "docx"
    if main.startswith("xl/") or "xl/workbook.xml" in names:
        return "xlsx"
    return "office"


def _main_part(archive: zipfile.ZipFile) -> str:
    rels = _small_part(archive, "_rels/.rels")
    if not rels:
        return ""
    _reject_dtd("_rels/.rels", rels)
    try:
        root = ElementTree.fromstring(rels)
    except ElementTree.ParseError:
        return ""
    for rel in root:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return ""


def _detect_text(content: bytes) -> str:
    text = content.removeprefix(b"\xef\xbb\xbf")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        try:
            decoded = text.decode("gb18030")
        except UnicodeDecodeError:
            decoded = ""
        if decoded and not _binary(decoded):
            raise UploadRefused(
                "CSV 文件须为 UTF-8 编码：此文件似为 GBK/GB18030 编码。请在 Excel 中“另存为”"
                "“CSV UTF-8（逗号分隔）”后重新上传",
                "encoding",
            ) from None
        raise UploadRefused(
            "无法识别文件类型（不是 Word、Excel、PDF、PNG、JPEG 或 UTF-8 文本）", "unknown_type"
        ) from None
    if _binary(decoded):
        raise UploadRefused("无法识别文件类型（含有二进制内容）", "unknown_type")
    return "csv"


def _binary(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\r\n" for c in text)


# ---------------------------------------------------------------------------------------------
# Is it safe?


def _reject_dtd(name: str, xml: bytes) -> None:
    if any(marker in xml for marker in _DTD_MARKERS):
        raise UploadRefused(f"文件中的“{name}”含有 DTD 声明，Office 文档不应包含，已拒绝", "dtd")


def _check_package(
    content: bytes, kind: str, max_entries: int, max_uncompressed: int, max_ratio: int
) -> None:
    archive = _open_zip(content, max_entries)
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise UploadRefused("压缩包内有重复的文件名，文件结构异常", "corrupt")
    declared = sum(info.file_size for info in infos)
    if declared > max_uncompressed:
        raise UploadRefused(
            f"文件解压后大小为 {_size(declared)}，超过上限 {_size(max_uncompressed)}，疑似压缩炸弹",
            "zip_bomb",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused("文件已加密，请取消密码后重新上传", "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(f"“{info.filename}”使用了 Office 不会使用的压缩方式，文件结构异常", "corrupt")
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UploadRefused(f"“{info.filename}”的压缩比超过 {max_ratio} 倍，疑似压缩炸弹", "zip_bomb")
    _check_active_content(names)
    total = 0
    xml_parts: dict[str, bytes] = {}
    for info in infos:
        keep = info.filename.endswith((".xml", ".rels"))
        chunks: list[bytes] = []
        try:
            with archive.open(info) as part:
                # Inflate for real, counting: the headers' sizes are the sender's claim.
                while chunk := part.read(_CHUNK):
                    total += len(chunk)
                    if total > max_uncompressed:
                        raise UploadRefused(
                            f"文件解压后超过 {_size(max_uncompressed)}，疑似压缩炸弹", "zip_bomb"
                        )
                    if keep:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise UploadRefused(f"文件已损坏：“{info.filename}”校验失败", "corrupt") from exc
        if keep:
            xml_parts[info.filename] = b"".join(chunks)
    for part_name, xml in xml_parts.items():
        _reject_dtd(part_name, xml)
    _check_content_types(xml_parts.get("[Content_Types].xml", b""))
    for part_name, xml in xml_parts.items():
        if part_name.endswith(".rels"):
            _check_relationships(part_name, xml)
        elif kind == "docx" and part_name.startswith("word/"):
            _check_fields(part_name, xml)


def _check_active_content(names: list[str]) -> None:
    for name in names:
        lower = name.lower()
        if lower.endswith("vbaproject.bin") or "/vbaproject" in lower:
            raise UploadRefused("文件含有宏（VBA），请另存为不含宏的 .docx/.xlsx 后重新上传", "macro")
        if "/activex/" in lower:
            raise UploadRefused("文件含有 ActiveX 控件，请删除后重新上传", "macro")
        if "/embeddings/" in lower and lower.endswith(".bin"):
            raise UploadRefused(f"文件含有嵌入的 OLE 对象（“{name}”），请删除后重新上传", "macro")
        if lower.startswith("xl/externallinks/"):
            raise UploadRefused(
                "工作簿链接了外部工作簿，请断开链接（改为数值）后重新上传", "external_reference"
            )
        if lower == "xl/connections.xml":
            raise UploadRefused("工作簿含有外部数据连接，请删除连接后重新上传", "external_reference")


def _check_content_types(xml: bytes) -> None:
    if _MACRO_CONTENT.search(xml):
        raise UploadRefused("文件为启用宏的格式（.docm/.xlsm），请另存为 .docx/.xlsx 后重新上传", "macro")


def _check_relationships(part_name: str, xml: bytes) -> None:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise UploadRefused(f"文件已损坏：“{part_name}”不是有效的 XML", "corrupt") from exc
    for rel in root:
        if rel.get("TargetMode") != "External":
            continue
        rel_type = str(rel.get("Type", "")).rsplit("/", 1)[-1]
        if rel_type == "hyperlink":
            continue
        what = _EXTERNAL_WHAT.get(rel_type, f"含有外部引用（{rel_type}）")
        target = str(rel.get("Target", ""))
        target = target if len(target) <= 80 else target[:77] + "..."
        raise UploadRefused(
            f"文件{what}：{target}。打开时可能访问外部地址，请删除后重新上传", "external_reference"
        )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FLD_CHAR, _INSTR_TEXT, _FLD_SIMPLE = f"{_W}fldChar", f"{_W}instrText", f"{_W}fldSimple"


def _check_fields(part_name: str, xml: bytes) -> None:
    """Refuse field codes that fetch or run something. A complex field's code is split over runs
    between its begin and separate marks, and fields nest, so the parts are walked in order."""
    if b"fld" not in xml:
        return
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise UploadRefused(f"文件已损坏：“{part_name}”不是有效的 XML", "corrupt") from exc
    codes: list[str] = []
    open_fields: list[list[str]] = []  # [code so far] of each field whose code is still being read
    for element in root.iter():
        if element.tag == _FLD_SIMPLE:
            codes.append(str(element.get(f"{_W}instr", "")))
        elif element.tag == _INSTR_TEXT:
            if open_fields:
                open_fields[-1][0] += element.text or ""
        elif element.tag == _FLD_CHAR:
            kind = element.get(f"{_W}fldCharType")
            if kind == "begin":
                open_fields.append([""])
            elif kind in ("separate", "end") and open_fields:
                codes.append(open_fields.pop()[0])
    codes.extend(code for (code,) in open_fields)
    for code in codes:
        match = _DANGEROUS_FIELD.match(code)
        if match:
            raise UploadRefused(
                f"文件含有会访问外部内容或运行程序的域代码（{match.group(1).upper()}），请删除后重新上传",
                "external_reference",
            )


def _check_png(content: bytes) -> None:
    if len(content) < 45 or content[12:16] != b"IHDR":
        raise UploadRefused("PNG 图片已损坏（缺少图像头）", "corrupt")
    width, height = struct.unpack(">II", content[16:24])
    _check_pixels(width, height, "PNG")
    if b"IEND" not in content[-12:]:
        raise UploadRefused("PNG 图片不完整（缺少结束块），可能在传输中被截断", "corrupt")


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _check_jpeg(content: bytes) -> None:
    """Walk the JPEG segments up to the frame header for the picture's size."""
    pos = 2
    while pos + 4 <= len(content):
        if content[pos] != 0xFF:
            break
        marker = content[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", content[pos + 2 : pos + 4])
        if marker in _SOF_MARKERS and pos + 9 <= len(content):
            height, width = struct.unpack(">HH", content[pos + 5 : pos + 9])
            _check_pixels(width, height, "JPEG")
            return
        if marker == 0xDA or length < 2:
            break
        pos += 2 + length
    raise UploadRefused("JPEG 图片已损坏（找不到图像尺寸）", "corrupt")


def _check_pixels(width: int, height: int, kind: str) -> None:
    if width == 0 or height == 0:
        raise UploadRefused(f"{kind} 图片已损坏（尺寸为零）", "corrupt")
    if width * height > MAX_IMAGE_PIXELS:
        raise UploadRefused(
            f"{kind} 图片尺寸过大（{width}×{height} 像素，上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素），"
            "请缩小后重新上传",
            "image_too_large",
        )
