"""Uploads: the content decides the type; oversize, bombs, macros and external references are refused
with a Chinese reason."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import struct
import zipfile

import docx
import pytest
from openpyxl import Workbook

from greenlist.documents import UploadRefused, inspect_upload
from greenlist.documents.uploads import UploadLimits, inspect_zip
from tests.documents.helpers import jpeg_header, png, rezip

MB = 1024 * 1024
ALL = {"docx", "xlsx", "pdf", "png", "jpeg", "csv"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def word() -> bytes:
    document = docx.Document()
    document.add_paragraph("典型经验报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def excel() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["统一社会信用代码", "名称"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORD, EXCEL = word(), excel()
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCUMENT_XML = "word/document.xml"


def refused(
    data: bytes | object, allowed: set[str] = ALL, max_bytes: int = 20 * MB, **limits: int
) -> UploadRefused:
    with pytest.raises(UploadRefused) as info:
        inspect_upload("上传文件", data, allowed, max_bytes, **limits)
    assert CJK.search(str(info.value)), "the reason is written in Chinese"
    assert info.value.name == "上传文件"
    return info.value


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(WORD, "docx", id="docx"),
        pytest.param(EXCEL, "xlsx", id="xlsx"),
        pytest.param(PDF, "pdf", id="pdf"),
        pytest.param(png(), "png", id="png"),
        pytest.param(jpeg_header(), "jpeg", id="jpeg"),
        pytest.param("统一社会信用代码,名称\r\n911301,甲公司\r\n".encode(), "csv", id="csv"),
        pytest.param(b"\xef\xbb\xbf" + "名称\n甲\n".encode(), "csv", id="csv-with-bom"),
    ],
)
def test_kinds_are_detected_by_content(data: bytes, kind: str) -> None:
    assert inspect_upload("任意名称.bin", data, ALL, 20 * MB) == kind


def test_the_name_does_not_decide() -> None:
    assert inspect_upload("报告.pdf", WORD, {"docx"}, 20 * MB) == "docx"
    assert str(refused(PDF, {"docx"})) == "文件内容为 PDF，但此处只接受 Word 文档（.docx）"


def test_type_not_allowed_lists_what_is_accepted() -> None:
    error = refused(png(), {"pdf", "docx"})
    assert error.code == "type_not_allowed"
    assert str(error) == "文件内容为 PNG 图片，但此处只接受 Word 文档（.docx）、PDF 文件（.pdf）"


def test_legacy_or_password_protected_office_files_are_named() -> None:
    # .doc/.xls and password-protected .docx/.xlsx are all OLE2 compound files.
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, {"docx"})
    assert error.code == "type_not_allowed" and "旧版 Office 文档" in str(error)


def test_a_plain_zip_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "ZIP 压缩包" in str(refused(out.getvalue(), {"docx"}))


def test_too_large_bytes_and_file_objects() -> None:
    error = refused(b"%PDF-" + b"0" * 2000, {"pdf"}, max_bytes=1000)
    assert error.code == "too_large"

    class Upload(io.BytesIO):
        size = 30 * MB  # Django's UploadedFile knows its size before anything is read

    error = refused(Upload(b"%PDF-"), {"pdf"}, max_bytes=20 * MB)
    assert error.code == "too_large" and "30 MB" in str(error) and "20 MB" in str(error)


def test_a_file_object_is_read_and_rewound() -> None:
    stream = io.BytesIO(WORD)
    assert inspect_upload("报告.docx", stream, {"docx"}, 20 * MB) == "docx"
    assert stream.tell() == 0


def test_empty_file() -> None:
    assert refused(b"").code == "empty"


def test_unknown_binary_and_gbk_csv() -> None:
    assert refused(b"\x00\x01\x02garbage").code == "unknown_type"
    error = refused("名称,行业\n甲公司,钢铁\n".encode("gbk"), {"csv"})
    assert error.code == "encoding" and "UTF-8" in str(error)


def test_unknown_allowed_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown upload kinds"):
        inspect_upload("x", WORD, {"docm"}, MB)


# ---------------------------------------------------------------------------------------------
# zip bombs, encryption, corruption


def test_compression_ratio_bomb() -> None:
    bomb = rezip(WORD, add={"word/media/zeros.bin": b"\x00" * (20 * MB)})
    error = refused(bomb, {"docx"})
    assert error.code == "zip_bomb" and "压缩比" in str(error)


def test_total_uncompressed_size_limit() -> None:
    noise = bytes(range(256)) * (8 * 1024)  # 2 MB that barely compresses
    error = refused(rezip(WORD, add={"word/media/a.bin": noise}), {"docx"}, max_uncompressed=MB)
    assert error.code == "zip_bomb" and "解压后" in str(error)


def test_too_many_entries() -> None:
    many = rezip(WORD, add={f"word/media/{i}.txt": b"x" for i in range(60)})
    assert refused(many, {"docx"}, max_entries=50).code == "zip_bomb"


def test_encrypted_zip_entries() -> None:
    # zipfile cannot write encrypted entries, so set the "encrypted" flag bit (bit 0 of the general
    # purpose flags) in every local header and central directory entry, as a password zip has it.
    data = bytearray(WORD)
    with zipfile.ZipFile(io.BytesIO(WORD)) as archive:
        for info in archive.infolist():
            data[info.header_offset + 6] |= 0x1
    end = data.rindex(b"PK\x05\x06")
    (count,) = struct.unpack("<H", data[end + 10 : end + 12])
    (position,) = struct.unpack("<I", data[end + 16 : end + 20])
    for _ in range(count):
        data[position + 8] |= 0x1
        name, extra, comment = struct.unpack("<HHH", data[position + 28 : position + 34])
        position += 46 + name + extra + comment
    assert refused(bytes(data), {"docx"}).code == "encrypted"


def test_corrupt_part_fails_its_checksum() -> None:
    data = bytearray(rezip(WORD, compression=zipfile.ZIP_STORED))
    offset = data.index(b"\xe5\x85\xb8\xe5\x9e\x8b")  # “典型” inside word/document.xml, stored as is
    data[offset] ^= 0xFF
    assert refused(bytes(data), {"docx"}).code == "corrupt"


def test_truncated_zip_is_corrupt() -> None:
    assert refused(WORD[: len(WORD) // 2], {"docx"}).code == "corrupt"


def test_dtd_in_a_part_is_refused() -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><w:document/>'
    assert refused(rezip(WORD, replace={DOCUMENT_XML: xml}), {"docx"}).code == "dtd"


# ---------------------------------------------------------------------------------------------
# macros and active content


@pytest.mark.parametrize(
    "part",
    ["word/vbaProject.bin", "word/activeX/activeX1.xml", "word/embeddings/oleObject1.bin"],
)
def test_macros_activex_and_ole_objects(part: str) -> None:
    assert refused(rezip(WORD, add={part: b"\x00" * 10}), {"docx"}).code == "macro"


def test_macro_enabled_content_type() -> None:
    types = read(WORD, "[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    assert refused(rezip(WORD, replace={"[Content_Types].xml": types}), {"docx"}).code == "macro"


def read(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(name)


# ---------------------------------------------------------------------------------------------
# external references

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
)
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def with_rel(package: bytes, rels_part: str, rel_type: str, target: str) -> bytes:
    rel = f'<Relationship Id="rId900" Type="{REL_TYPE}{rel_type}" Target="{target}" TargetMode="External"/>'
    try:
        existing = read(package, rels_part).decode()
        xml = existing.replace("</Relationships>", rel + "</Relationships>")
    except KeyError:
        xml = RELS.format(rel)
    return rezip(package, replace={rels_part: xml.encode()})


@pytest.mark.parametrize(
    ("rels_part", "rel_type", "what"),
    [
        ("word/_rels/settings.xml.rels", "attachedTemplate", "外部模板"),
        ("word/_rels/document.xml.rels", "image", "外部图片"),
        ("word/_rels/document.xml.rels", "oleObject", "外部 OLE 对象"),
        ("word/_rels/document.xml.rels", "subDocument", "外部子文档"),
    ],
)
def test_external_references_are_refused(rels_part: str, rel_type: str, what: str) -> None:
    data = with_rel(WORD, rels_part, rel_type, "http://203.0.113.9/x.dotm")
    error = refused(data, {"docx"})
    assert error.code == "external_reference"
    assert what in str(error) and "http://203.0.113.9/x.dotm" in str(error)


def test_plain_hyperlinks_are_allowed() -> None:
    data = with_rel(WORD, "word/_rels/document.xml.rels", "hyperlink", "https://green.miit.gov.cn")
    assert inspect_upload("报告.docx", data, {"docx"}, 20 * MB) == "docx"


def test_workbook_links_to_other_workbooks_are_refused() -> None:
    data = rezip(EXCEL, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert refused(data, {"xlsx"}).code == "external_reference"
    data = with_rel(EXCEL, "xl/_rels/workbook.xml.rels", "externalLinkPath", "file:///C:/secret.xlsx")
    assert refused(data, {"xlsx"}).code == "external_reference"


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document_with(body: str) -> bytes:
    return f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()


def test_dde_field_split_across_runs_is_refused() -> None:
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    error = refused(rezip(WORD, replace={DOCUMENT_XML: document_with(body)}), {"docx"})
    assert error.code == "external_reference" and "DDEAUTO" in str(error)


def test_includepicture_simple_field_is_refused_and_page_field_allowed() -> None:
    include = "<w:p><w:fldSimple w:instr=' INCLUDEPICTURE \"http://203.0.113.9/a.png\" \\d '/></w:p>"
    assert (
        refused(rezip(WORD, replace={DOCUMENT_XML: document_with(include)}), {"docx"}).code
        == "external_reference"
    )
    page = '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    assert (
        inspect_upload("a.docx", rezip(WORD, replace={DOCUMENT_XML: document_with(page)}), {"docx"}, MB)
        == "docx"
    )


def test_documents_we_write_pass_our_own_checks() -> None:
    from tests.documents.helpers import report_docx

    assert inspect_upload("报告.docx", report_docx(), {"docx"}, 20 * MB) == "docx"


# ---------------------------------------------------------------------------------------------
# pictures and PDFs


def test_png_without_end_chunk_is_corrupt() -> None:
    assert refused(png()[:-12], {"png"}).code == "corrupt"


def test_png_declaring_a_huge_canvas_is_refused() -> None:
    bomb = bytearray(png())
    bomb[16:24] = struct.pack(">II", 50_000, 50_000)
    assert refused(bytes(bomb), {"png"}).code == "image_too_large"


def test_jpeg_declaring_a_huge_canvas_is_refused() -> None:
    assert refused(jpeg_header(40_000, 40_000), {"jpeg"}).code == "image_too_large"


def test_jpeg_without_frame_header_is_corrupt() -> None:
    assert refused(b"\xff\xd8\xff\xd9", {"jpeg"}).code == "corrupt"


def test_truncated_pdf_is_corrupt() -> None:
    assert refused(b"%PDF-1.7\n1 0 obj<<>>endobj\n", {"pdf"}).code == "corrupt"


# ---------------------------------------------------------------------------------------------
# Bounded reading (issue 15, finding 6): the limits of UploadLimits


def limited(**changes: int) -> UploadLimits:
    return dataclasses.replace(UploadLimits(), **changes)


def sheet_with_rows(rows: int, dimension: str | None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for number in range(rows):
        sheet.append([f"甲{number}", number])
    out = io.BytesIO()
    book.save(out)
    part = read(out.getvalue(), "xl/worksheets/sheet1.xml")
    part = re.sub(rb"<dimension ref=\"[^\"]*\"/>", b"" if dimension is None else dimension.encode(), part)
    return rezip(out.getvalue(), replace={"xl/worksheets/sheet1.xml": part})


def test_a_sheet_declaring_too_many_rows_is_refused_before_inflating() -> None:
    error = refused(sheet_with_rows(3, '<dimension ref="A1:B2000000"/>'), {"xlsx"})
    assert error.code == "too_many_rows" and "2000000" in str(error) and "拆分" in str(error)


def test_rows_are_counted_when_the_sheet_does_not_say() -> None:
    workbook = sheet_with_rows(120, None)
    assert inspect_upload("a.xlsx", workbook, {"xlsx"}, 20 * MB, limits=limited(max_sheet_rows=120)) == "xlsx"
    with pytest.raises(UploadRefused) as info:
        inspect_upload("a.xlsx", workbook, {"xlsx"}, 20 * MB, limits=limited(max_sheet_rows=119))
    assert info.value.code == "too_many_rows" and "至少有 120 行" in str(info.value)


def test_a_csv_with_too_many_lines_is_refused() -> None:
    data = ("名称,行业\n" + "甲公司,钢铁\n" * 50).encode()
    assert inspect_upload("a.csv", data, {"csv"}, MB, limits=limited(max_sheet_rows=51)) == "csv"
    with pytest.raises(UploadRefused) as info:
        inspect_upload("a.csv", data, {"csv"}, MB, limits=limited(max_sheet_rows=50))
    assert info.value.code == "too_many_rows"


def shared_strings(count: int, unique_count: int | None) -> bytes:
    declared = "" if unique_count is None else f' uniqueCount="{unique_count}"'
    items = "".join(f"<x:si><x:t>{n}</x:t></x:si>" for n in range(count))
    return (
        f'<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{declared}>{items}</x:sst>'
    ).encode()


def test_shared_strings_are_refused_by_their_declared_count() -> None:
    workbook = rezip(EXCEL, replace={"xl/sharedStrings.xml": shared_strings(3, 5_000_000)})
    error = refused(workbook, {"xlsx"})
    assert error.code == "zip_bomb" and "5000000" in str(error) and "共享字符串" in str(error)


def test_shared_strings_are_counted_across_chunks_with_any_prefix() -> None:
    # ~2.3 MB of strings: the count runs over several 256 KB chunks.
    workbook = rezip(EXCEL, replace={"xl/sharedStrings.xml": shared_strings(80_000, None)})
    assert inspect_upload("a.xlsx", workbook, {"xlsx"}, 20 * MB, limits=limited(max_shared_strings=80_000))
    with pytest.raises(UploadRefused) as info:
        inspect_upload("a.xlsx", workbook, {"xlsx"}, 20 * MB, limits=limited(max_shared_strings=79_999))
    assert "至少 80000 个" in str(info.value)


def test_a_word_part_over_the_document_limit_is_refused() -> None:
    body = "<w:p><w:r><w:t>" + "绿色制造。" * 100_000 + "</w:t></w:r></w:p>"
    big = rezip(WORD, replace={DOCUMENT_XML: document_with(body)})
    # 1.5 MB of text is well inside the default limit.
    assert inspect_upload("a.docx", big, {"docx"}, 20 * MB, max_ratio=10_000) == "docx"
    with pytest.raises(UploadRefused) as info:
        inspect_upload(
            "a.docx", big, {"docx"}, 20 * MB, limits=limited(max_document_xml=MB, max_ratio=10_000)
        )
    assert info.value.code == "zip_bomb" and "word/document.xml" in str(info.value)


def test_a_member_over_the_compressed_limit_is_refused() -> None:
    noise = random.Random(7).randbytes(300_000)  # does not compress
    package = rezip(WORD, add={"word/media/photo.png": noise})
    with pytest.raises(UploadRefused) as info:
        inspect_upload("a.docx", package, {"docx"}, 20 * MB, limits=limited(max_member_compressed=200_000))
    assert info.value.code == "zip_bomb" and "压缩后" in str(info.value)


def test_a_dtd_split_across_chunks_is_found() -> None:
    padding = "<w:p/>" * (256 * 1024 // 6 - 1)
    part = document_with(padding + "<!DOCTYPE x>")
    assert refused(rezip(WORD, replace={DOCUMENT_XML: part}), {"docx"}).code == "dtd"


def test_inspect_zip_checks_any_archive(tmp_path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", "[]")
        for number in range(20):
            archive.writestr(f"media/{number}.bin", b"x")
    inspect_zip(out.getvalue(), limited(max_members=21))
    with pytest.raises(UploadRefused) as info:
        inspect_zip(out.getvalue(), limited(max_members=20))
    assert info.value.code == "zip_bomb"
    path = tmp_path / "backup.zip"
    path.write_bytes(rezip(out.getvalue(), add={"big.bin": b"\0" * (3 * MB)}))
    with pytest.raises(UploadRefused) as info:
        inspect_zip(path, limited(max_ratio=100))
    assert info.value.code == "zip_bomb"


def test_a_zip64_directory_is_counted_from_its_own_end_record() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number in range(70_000):  # over 65 535: zipfile writes the zip64 end records
            archive.writestr(f"word/{number}", b"")
    error = refused(out.getvalue(), {"docx"})
    assert error.code == "zip_bomb" and "70000" in str(error)
