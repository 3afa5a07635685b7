"""Upload checks: what a file is, by its content, and whether it is safe to keep and to open.

Applicants, evaluators and cities upload evaluation reports (PDF), experience reports (.docx),
pictures (PNG/JPEG) and exchange workbooks (.xlsx/.csv). A file's name and the browser's MIME type
are the sender's claims, so only the bytes decide: magic numbers for PDF/PNG/JPEG, the package
parts for .docx/.xlsx, strict UTF-8 for CSV. A refusal raises :class:`UploadRefused` whose message
says why in Chinese, and how to fix it, for the uploader to read.

Every upload path (reports, attachments, workbooks; :func:`inspect_zip` for backups) runs this
same code before anything parses the file, and it works in bounded memory whatever the file holds:
the file is read from disk or memory in chunks, never whole, and every limit of
:class:`UploadLimits` is checked first on the zip's headers and then again while actually
inflating (the headers are the sender's claim). Refused, besides wrong types and oversize files:

- zip bombs: more members than ``max_members`` (counted in the central directory before
  :mod:`zipfile` builds an object per member), a member over ``max_member_compressed`` bytes
  compressed or ``max_member_bytes`` inflated, more than ``max_total_bytes`` inflated in all, or a
  member of over 1 MiB inflating more than ``max_ratio`` times; duplicate member names;
  compression methods Office never writes;
- parts the readers load whole: a Word part (``word/document.xml``…) over ``max_document_xml``
  bytes; a workbook's ``xl/sharedStrings.xml`` over ``max_shared_strings_bytes`` or holding more
  than ``max_shared_strings`` strings (openpyxl keeps them all in memory); a sheet with more than
  ``max_sheet_rows`` rows (its ``<dimension>``, then its ``<row>`` elements counted while
  streaming); a CSV with more lines than that;
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
  the XML parser's bomb. The parts read here are parsed with :mod:`defusedxml` as well;
- pictures over ``MAX_IMAGE_PIXELS`` (a small PNG can declare a canvas that fills memory when shown).
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import olefile
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

MiB = 1024 * 1024
_RATIO_MIN_SIZE = 1 * MiB  # small XML parts legitimately compress very well
MAX_IMAGE_PIXELS = 100_000_000  # a 24-megapixel phone photo is well inside
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may hold. The defaults fit the campaign's real files with room to spare;
    each is overridable by environment variable (``GREENLIST_UPLOAD_<FIELD>``, see settings)."""

    max_members: int = 1000  # a report with a hundred pictures has ~130 parts
    max_member_compressed: int = 100 * MiB
    max_member_bytes: int = 100 * MiB  # one part, inflated: a 300 000-row sheet is ~90 MB
    max_total_bytes: int = 200 * MiB  # every part, inflated
    max_ratio: int = 100  # parts over 1 MiB; text XML compresses 5–20×
    max_document_xml: int = 10 * MiB  # a Word part (read whole): ~3 million characters of text
    max_shared_strings: int = 1_000_000  # openpyxl keeps every shared string in memory
    max_shared_strings_bytes: int = 64 * MiB
    max_sheet_rows: int = 1_048_576  # Excel's own maximum
    max_workbook_bytes: int = 200 * MiB  # an exchange workbook (.xlsx/.csv) as uploaded

    @classmethod
    def configured(cls) -> UploadLimits:
        """The limits in Django's settings (``GREENLIST_UPLOAD_LIMITS``), or the defaults where
        Django is not set up (this module is used without it, too)."""
        try:
            from django.conf import settings

            overrides = getattr(settings, "GREENLIST_UPLOAD_LIMITS", None) if settings.configured else None
        except ImportError:  # pragma: no cover - Django is a dependency, but the module is pure
            overrides = None
        return cls(**overrides) if overrides else cls()


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
_DTD_OVERLAP = max(len(m) for m in _DTD_MARKERS) - 1
_MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|activeX", re.IGNORECASE)

# Streaming counts over inflated XML. A tag's name holds no “<”, so cutting a chunk at its last
# “<” never splits a match; names are short, so only the last 64 bytes can hold a partial one.
_PREFIX = rb"(?:[A-Za-z_][\w.-]{0,30}:)?"
_SHARED_STRING = re.compile(rb"<" + _PREFIX + rb"si[\s/>]")
_ROW = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_UNIQUE_COUNT = re.compile(rb"<" + _PREFIX + rb"sst\b[^>]*?\buniqueCount\s*=\s*[\"'](\d{1,12})[\"']")
_DIMENSION = re.compile(
    rb"<" + _PREFIX + rb"dimension\b[^>]*?\bref\s*=\s*[\"'][A-Za-z]*(\d{1,9})(?::[A-Za-z]*(\d{1,9}))?"
)
_TAIL = 64


class UploadRefused(ValueError):
    """An upload that is not accepted. ``str(exc)`` is the Chinese reason; ``code`` is stable
    for programs (too_large, empty, type_not_allowed, unknown_type, encoding, corrupt, encrypted,
    zip_bomb, too_many_rows, macro, external_reference, dtd, image_too_large)."""

    def __init__(self, message: str, code: str, name: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.name = message, code, name


def _size(count: int) -> str:
    if count >= MiB:
        return f"{count / MiB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(count / 1024))} KB"


Source = bytes | bytearray | memoryview | str | Path | IO[bytes] | Any


@contextmanager
def _opened(data: Source) -> Iterator[IO[bytes]]:
    """A seekable binary stream over the upload, positioned at its start; a file object given by
    the caller is rewound to where it was, so the caller can store it afterwards."""
    if isinstance(data, bytes | bytearray | memoryview):
        yield io.BytesIO(data)  # shares, not copies, the bytes
        return
    if isinstance(data, str | Path):
        with Path(data).open("rb") as handle:
            yield handle
        return
    stream: Any = data
    start = stream.tell() if callable(getattr(stream, "tell", None)) else 0
    try:
        yield stream
    finally:
        stream.seek(start)


def _length(stream: IO[bytes], data: Source) -> int:
    declared = getattr(data, "size", None)  # Django's UploadedFile knows its size
    if isinstance(declared, int) and not isinstance(data, bytes | bytearray | memoryview):
        return declared
    position = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return end - position


def inspect_upload(
    name: str,
    data: Source,
    allowed: Iterable[str],
    max_bytes: int,
    *,
    limits: UploadLimits | None = None,
    max_entries: int | None = None,
    max_uncompressed: int | None = None,
    max_ratio: int | None = None,
) -> str:
    """The file's kind (one of :data:`KINDS` that is in ``allowed``), or :class:`UploadRefused`.

    ``name`` is only used to label the refusal (the content decides the kind). ``data`` is bytes,
    a path, or a seekable binary file object (read from its current position, then rewound).
    ``limits`` defaults to :meth:`UploadLimits.configured`; ``max_entries``, ``max_uncompressed``
    and ``max_ratio`` override single limits.
    """
    allowed = set(allowed)
    unknown = allowed - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    limits = _with_overrides(limits, max_entries, max_uncompressed, max_ratio)
    try:
        with _opened(data) as stream:
            size = _length(stream, data)
            if size > max_bytes:
                raise UploadRefused(
                    f"文件大小为 {_size(size)}，超过上限 {_size(max_bytes)}。请压缩或拆分后重新上传",
                    "too_large",
                )
            base = stream.tell()
            head = stream.read(8)
            if not head:
                raise UploadRefused("文件为空", "empty")
            stream.seek(base)
            kind = _detect(head, stream, limits)
            if kind not in allowed:
                accepted = "、".join(ACCEPTED_NAMES[k] for k in KINDS if k in allowed)
                raise UploadRefused(
                    f"文件内容为 {DETECTED_NAMES[kind]}，但此处只接受 {accepted}", "type_not_allowed"
                )
            stream.seek(base)
            if kind in ("docx", "xlsx"):
                _check_package(stream, kind, limits)
            elif kind == "doc":
                _check_word_binary(stream.read(size))  # under max_bytes, checked above
            elif kind == "png":
                _check_png(stream, base, size)
            elif kind == "jpeg":
                _check_jpeg(stream)
            elif kind == "pdf":
                stream.seek(base + max(0, size - 2048))
                if b"%%EOF" not in stream.read(2048):
                    raise UploadRefused("PDF 文件不完整（缺少文件结束标记），可能在传输中被截断", "corrupt")
            elif kind == "csv":
                _check_csv_rows(stream, limits)
            return kind
    except UploadRefused as exc:
        exc.name = name
        raise


def inspect_zip(data: Source, limits: UploadLimits | None = None) -> None:
    """The zip bomb checks alone, for any .zip (a backup being restored): member count, sizes
    (compressed, inflated, per member and in total, counted while inflating) and ratio, checksums.
    Raises :class:`UploadRefused`."""
    limits = limits or UploadLimits.configured()
    with _opened(data) as stream:
        archive = _open_zip(stream, limits)
        infos = _check_headers(archive, limits)
        for info in infos:
            _inflate(archive, info, limits, _Scan(info.filename, keep=False), _Totals())


def _with_overrides(
    limits: UploadLimits | None, entries: int | None, uncompressed: int | None, ratio: int | None
) -> UploadLimits:
    limits = limits or UploadLimits.configured()
    changes: dict[str, int] = {}
    if entries is not None:
        changes["max_members"] = entries
    if uncompressed is not None:
        changes["max_total_bytes"] = uncompressed
        changes["max_member_bytes"] = min(limits.max_member_bytes, uncompressed)
    if ratio is not None:
        changes["max_ratio"] = ratio
    return dataclasses.replace(limits, **changes) if changes else limits


# ---------------------------------------------------------------------------------------------
# What is it?


def _detect(head: bytes, stream: IO[bytes], limits: UploadLimits) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        base = stream.tell()
        kind = _detect_ole(stream.read())
        stream.seek(base)
        return kind
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _detect_package(stream, limits)
    return _detect_text(stream)


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


def _count_members(stream: IO[bytes], limit: int) -> None:
    """Refuse a zip with more than ``limit`` members by walking its central directory, entry
    headers only, before :mod:`zipfile` builds an object for every member (a 47 MB zip can list
    a million members, and zipfile would hold them all). The end record's count is a claim, and
    zipfile ignores it, so the entries themselves are counted."""
    base = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    tail_start = max(base, end - (22 + 65535))
    stream.seek(tail_start)
    tail = stream.read(end - tail_start)
    # Found as zipfile finds it: a record without comment at the very end, else the last signature.
    no_comment = len(tail) - 22
    if no_comment >= 0 and tail[no_comment:].startswith(b"PK\x05\x06") and tail[-2:] == b"\0\0":
        at = no_comment
    else:
        at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        stream.seek(base)
        return  # not a zip zipfile can open either; it says so
    # The directory's own offset is not needed: it ends where the end record starts.
    _, _, _, claimed, cd_size = struct.unpack("<HHHHI", tail[at + 4 : at + 16])
    eocd = tail_start + at
    locator = tail[at - 20 : at] if at >= 20 else b""
    if locator.startswith(b"PK\x06\x07"):
        (zip64_end,) = struct.unpack("<Q", locator[8:16])
        stream.seek(base + zip64_end)
        record = stream.read(56)
        if record.startswith(b"PK\x06\x06") and len(record) == 56:
            claimed, cd_size = struct.unpack("<QQ", record[32:48])
            eocd = base + zip64_end
    # 0xFFFF alone means “more than fit here”: only the zip64 record or the directory tells.
    if claimed > limit and (claimed != 0xFFFF or eocd != tail_start + at):
        raise _too_many(claimed, limit)
    # Data prepended to the archive shifts every offset, as zipfile allows.
    start = eocd - cd_size
    if start < base:
        stream.seek(base)
        return  # a central directory larger than the file: zipfile reports the damage
    stream.seek(start)
    count = 0
    while stream.tell() < eocd:
        header = stream.read(46)
        if len(header) < 46 or not header.startswith(b"PK\x01\x02"):
            break  # zipfile reports the damage
        count += 1
        if count > limit:
            raise _too_many(count, limit, at_least=True)
        name, extra, comment = struct.unpack("<HHH", header[28:34])
        stream.seek(name + extra + comment, io.SEEK_CUR)
    stream.seek(base)


def _too_many(count: int, limit: int, at_least: bool = False) -> UploadRefused:
    many = f"至少有 {count} " if at_least else f"有 {count} "
    return UploadRefused(
        f"压缩包内文件过多：{many}个，超过上限 {limit} 个，疑似压缩炸弹。请删除多余内容或拆分后重新上传",
        "zip_bomb",
    )


def _open_zip(stream: IO[bytes], limits: UploadLimits) -> zipfile.ZipFile:
    _count_members(stream, limits.max_members)  # before zipfile reads every member's header
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise UploadRefused(f"文件已损坏，无法作为压缩包读取（{type(exc).__name__}）", "corrupt") from exc
    if len(archive.infolist()) > limits.max_members:
        raise _too_many(len(archive.infolist()), limits.max_members)
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


def _detect_package(stream: IO[bytes], limits: UploadLimits) -> str:
    archive = _open_zip(stream, limits)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        return "zip"
    main = _main_part(archive)
    if main.startswith("word/") or "word/document.xml" in names:
        return "docx"
    if main.startswith("xl/") or "xl/workbook.xml" in names:
        return "xlsx"
    return "office"


def _parse_xml(part_name: str, xml: bytes) -> Any:
    try:
        return SafeElementTree.fromstring(xml)
    except DefusedXmlException as exc:
        raise UploadRefused(
            f"文件中的“{part_name}”含有 DTD 或实体声明，Office 文档不应包含，已拒绝", "dtd"
        ) from exc


def _main_part(archive: zipfile.ZipFile) -> str:
    rels = _small_part(archive, "_rels/.rels")
    if not rels:
        return ""
    _reject_dtd("_rels/.rels", rels)
    try:
        root = _parse_xml("_rels/.rels", rels)
    except SafeElementTree.ParseError:
        return ""
    for rel in root:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return ""


def _detect_text(stream: IO[bytes]) -> str:
    """CSV: strict UTF-8 (an optional BOM), no control characters, decoded chunk by chunk."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    first = b""
    try:
        while chunk := stream.read(_CHUNK):
            first = first or chunk
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise UploadRefused(
                    "文件中含有不可见的空字符（NUL），不是有效的文本表格：请删除这些字符，"
                    "或在 Excel/WPS 中另存为“CSV UTF-8”后重新导入",
                    "unknown_type",
                )
            if _binary(text):
                raise UploadRefused("无法识别文件类型（含有二进制内容）", "unknown_type")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            decoded = first[: 64 * 1024].decode("gb18030", errors="ignore")
        except UnicodeDecodeError:  # pragma: no cover - errors="ignore" does not raise
            decoded = ""
        if decoded and not _binary(decoded) and _looks_gbk(first[: 64 * 1024]):
            raise UploadRefused(
                "CSV 文件须为 UTF-8 编码：此文件似为 GBK/GB18030 编码。请在 Excel 中“另存为”"
                "“CSV UTF-8（逗号分隔）”后重新上传",
                "encoding",
            ) from None
        raise UploadRefused(
            "无法识别文件类型（不是 Word、Excel、PDF、PNG、JPEG 或 UTF-8 文本）", "unknown_type"
        ) from None
    return "csv"


def _looks_gbk(sample: bytes) -> bool:
    """Whether the sample decodes as GB18030 (a chunk may end inside a character: allow that)."""
    for cut in range(4):
        try:
            sample[: len(sample) - cut].decode("gb18030")
        except UnicodeDecodeError:
            continue
        return True
    return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters but tab, LF, CR


def _binary(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _check_csv_rows(stream: IO[bytes], limits: UploadLimits) -> None:
    lines = 0
    while chunk := stream.read(_CHUNK):
        lines += chunk.count(b"\n")
        if lines > limits.max_sheet_rows:
            raise _too_many_rows("CSV 文件", lines, limits.max_sheet_rows, at_least=True)


def _too_many_rows(where: str, rows: int, limit: int, at_least: bool = False) -> UploadRefused:
    many = f"至少有 {rows} " if at_least else f"有 {rows} "
    return UploadRefused(
        f"{where}{many}行，超过上限 {limit} 行。请将数据拆分为多个文件分别导入", "too_many_rows"
    )


# ---------------------------------------------------------------------------------------------
# Is it safe?


def _reject_dtd(name: str, xml: bytes) -> None:
    if any(marker in xml for marker in _DTD_MARKERS):
        raise UploadRefused(f"文件中的“{name}”含有 DTD 声明，Office 文档不应包含，已拒绝", "dtd")


def _word_part(name: str) -> bool:
    return name.startswith("word/") and name.endswith(".xml")


def _kept(name: str, kind: str) -> bool:
    """Parts read whole for the relationship, content-type and field checks."""
    return name.endswith(".rels") or name == "[Content_Types].xml" or (kind == "docx" and _word_part(name))


def _check_headers(archive: zipfile.ZipFile, limits: UploadLimits, kind: str = "") -> list[zipfile.ZipInfo]:
    """Every limit that the central directory's claims can already break: refused before inflating."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise UploadRefused("压缩包内有重复的文件名，文件结构异常", "corrupt")
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused("文件已加密，请取消密码后重新上传", "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(f"“{info.filename}”使用了 Office 不会使用的压缩方式，文件结构异常", "corrupt")
        if info.compress_size > limits.max_member_compressed:
            raise UploadRefused(
                f"“{info.filename}”压缩后为 {_size(info.compress_size)}，超过单个部件上限 "
                f"{_size(limits.max_member_compressed)}。请删除多余内容或拆分后重新上传",
                "zip_bomb",
            )
        _check_part_size(info.filename, info.file_size, kind, limits)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_total_bytes:
        raise UploadRefused(
            f"文件解压后大小为 {_size(declared)}，超过上限 {_size(limits.max_total_bytes)}，疑似压缩炸弹。"
            "请删除多余内容或拆分后重新上传",
            "zip_bomb",
        )
    for info in infos:
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise UploadRefused(
                f"“{info.filename}”的压缩比超过 {limits.max_ratio} 倍，疑似压缩炸弹", "zip_bomb"
            )
    return infos


def _check_part_size(name: str, size: int, kind: str, limits: UploadLimits) -> None:
    if _kept(name, kind) and size > limits.max_document_xml:
        what = "文档正文" if name == "word/document.xml" else "文档部件"
        raise UploadRefused(
            f"{what}（{name}）解压后为 {_size(size)}，超过上限 {_size(limits.max_document_xml)}。"
            "请删除多余内容（如粘贴的大段文字、表格），或将文档拆分后重新上传",
            "zip_bomb",
        )
    if kind == "xlsx" and name == "xl/sharedStrings.xml" and size > limits.max_shared_strings_bytes:
        raise UploadRefused(
            f"工作簿的共享字符串表（xl/sharedStrings.xml）解压后为 {_size(size)}，超过上限 "
            f"{_size(limits.max_shared_strings_bytes)}。请将工作簿拆分为多个文件分别导入",
            "zip_bomb",
        )
    if size > limits.max_member_bytes:
        raise UploadRefused(
            f"“{name}”解压后为 {_size(size)}，超过单个部件上限 {_size(limits.max_member_bytes)}，疑似压缩炸弹。"
            "请删除多余内容或拆分后重新上传",
            "zip_bomb",
        )


@dataclass
class _Totals:
    inflated: int = 0


class _Scan:
    """What one part's inflated bytes are checked for, chunk by chunk: DTD markers always; the
    shared strings or the rows of a workbook; the part itself when it is read whole afterwards."""

    def __init__(self, name: str, kind: str = "", limits: UploadLimits | None = None, *, keep: bool) -> None:
        self.name, self.kind, self.limits = name, kind, limits or UploadLimits()
        self.keep = keep
        self.chunks: list[bytes] = []
        self.first = True
        self.overlap = b""  # the end of the previous chunk, for markers split across chunks
        self.pending = b""  # the unfinished tag at the end of the previous chunk
        self.count = 0
        self.pattern: re.Pattern[bytes] | None = None
        if kind == "xlsx" and name == "xl/sharedStrings.xml":
            self.pattern = _SHARED_STRING
        elif kind == "xlsx" and name.startswith("xl/worksheets/") and name.endswith(".xml"):
            self.pattern = _ROW

    def feed(self, chunk: bytes) -> None:
        window = self.overlap + chunk
        if any(marker in window for marker in _DTD_MARKERS):
            raise UploadRefused(f"文件中的“{self.name}”含有 DTD 声明，Office 文档不应包含，已拒绝", "dtd")
        self.overlap = window[-_DTD_OVERLAP:]
        if self.keep:
            self.chunks.append(chunk)
        if self.pattern is not None:
            if self.first:
                self._claims(chunk)
            self._count(chunk)
        self.first = False

    def _claims(self, chunk: bytes) -> None:
        """The counts the part declares at its start: refused before inflating the rest."""
        if self.pattern is _SHARED_STRING:
            match = _UNIQUE_COUNT.search(chunk)
            if match and int(match.group(1)) > self.limits.max_shared_strings:
                raise self._too_many_strings(int(match.group(1)))
        else:
            match = _DIMENSION.search(chunk)
            if match:
                rows = int(match.group(2) or match.group(1))
                if rows > self.limits.max_sheet_rows:
                    raise _too_many_rows(f"工作表（{self.name}）", rows, self.limits.max_sheet_rows)

    def _count(self, chunk: bytes) -> None:
        assert self.pattern is not None
        buffer = self.pending + chunk
        cut = buffer.rfind(b"<", max(0, len(buffer) - _TAIL))
        if cut < 0:
            cut = len(buffer)
        self.count += len(self.pattern.findall(buffer, 0, cut))
        self.pending = buffer[cut:]
        if self.pattern is _SHARED_STRING and self.count > self.limits.max_shared_strings:
            raise self._too_many_strings(self.count, at_least=True)
        if self.pattern is _ROW and self.count > self.limits.max_sheet_rows:
            raise _too_many_rows(
                f"工作表（{self.name}）", self.count, self.limits.max_sheet_rows, at_least=True
            )

    def _too_many_strings(self, count: int, at_least: bool = False) -> UploadRefused:
        many = f"至少 {count} " if at_least else f" {count} "
        return UploadRefused(
            f"工作簿含有{many}个不同的文本（共享字符串），超过上限 {self.limits.max_shared_strings} 个。"
            "请将工作簿拆分为多个文件分别导入",
            "zip_bomb",
        )

    def finish(self) -> bytes:
        if self.pattern is not None and self.pending:
            self.count += len(self.pattern.findall(self.pending))
        return b"".join(self.chunks)


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits, scan: _Scan, totals: _Totals
) -> bytes:
    """Inflate one part for real, counting: the headers' sizes are the sender's claim."""
    inflated = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                inflated += len(chunk)
                totals.inflated += len(chunk)
                if totals.inflated > limits.max_total_bytes:
                    raise UploadRefused(
                        f"文件解压后超过 {_size(limits.max_total_bytes)}，疑似压缩炸弹。请删除多余内容或拆分后重新上传",
                        "zip_bomb",
                    )
                _check_part_size(info.filename, inflated, scan.kind, limits)
                scan.feed(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise UploadRefused(f"文件已损坏：“{info.filename}”校验失败", "corrupt") from exc
    return scan.finish()


def _check_package(stream: IO[bytes], kind: str, limits: UploadLimits) -> None:
    archive = _open_zip(stream, limits)
    infos = _check_headers(archive, limits, kind)
    _check_active_content([info.filename for info in infos])
    totals = _Totals()
    xml_parts: dict[str, bytes] = {}
    for info in infos:
        keep = _kept(info.filename, kind)
        content = _inflate(archive, info, limits, _Scan(info.filename, kind, limits, keep=keep), totals)
        if keep:
            xml_parts[info.filename] = content
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
        root = _parse_xml(part_name, xml)
    except SafeElementTree.ParseError as exc:
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
        root = _parse_xml(part_name, xml)
    except SafeElementTree.ParseError as exc:
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


def _check_png(stream: IO[bytes], base: int, size: int) -> None:
    head = stream.read(24)
    if size < 45 or head[12:16] != b"IHDR":
        raise UploadRefused("PNG 图片已损坏（缺少图像头）", "corrupt")
    width, height = struct.unpack(">II", head[16:24])
    _check_pixels(width, height, "PNG")
    stream.seek(base + size - 12)
    if b"IEND" not in stream.read(12):
        raise UploadRefused("PNG 图片不完整（缺少结束块），可能在传输中被截断", "corrupt")


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _check_jpeg(stream: IO[bytes]) -> None:
    """Walk the JPEG segments up to the frame header for the picture's size (seeking past each
    segment: an EXIF block or an embedded thumbnail is never read)."""
    stream.read(2)
    while True:
        marker_bytes = stream.read(2)
        if len(marker_bytes) < 2 or marker_bytes[0] != 0xFF:
            break
        marker = marker_bytes[1]
        if marker == 0xFF:  # fill byte
            stream.seek(-1, io.SEEK_CUR)
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            break
        (length,) = struct.unpack(">H", length_bytes)
        if marker in _SOF_MARKERS:
            frame = stream.read(5)
            if len(frame) == 5:
                height, width = struct.unpack(">HH", frame[1:5])
                _check_pixels(width, height, "JPEG")
                return
            break
        if marker == 0xDA or length < 2:
            break
        stream.seek(length - 2, io.SEEK_CUR)
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
