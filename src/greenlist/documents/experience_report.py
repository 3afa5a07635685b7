"""附件2 典型经验报告: written from an :class:`ExperienceReport` with its pictures, read back from any
.docx in the outline's shape, and checked against R2.

The outline (附件2 典型经验报告编制大纲), in order: “xxx(企业/园区名称)典型经验报告”, “示范启示：”
(50字以内), the report's own title, 一、企业简介 / 园区简介, 二、创建做法, 三、工作亮点 with
亮点一/二/三 (each “亮点一：<5–10字标题>”, 200–400字 and pictures), 四、下一步发展措施.

How a report is read and counted — :data:`READING_RULES` says the same to users:

- Sections are found by their headings, numbered or not (“一、企业简介”, “一．企业简介”, “1.企业简介”,
  “企业简介”; 公司简介 and 企业/园区简介 are taken as the introduction). A heading may keep the
  outline's hint in brackets. Text before the first heading is the report's title, after the
  document's own title line (…典型经验报告) and “（提纲）”.
- “示范启示：” or “示范启示:” starts the inspiration; the rest of that paragraph is its text.
- Highlights start at “亮点一：”, “亮点1：”, “亮点1.”, “（一）亮点一：”…; the heading's rest is the
  title. A heading whose rest runs into the body (a line break, or over 30 characters) is split at
  the first line break or “。”. A bare “亮点一：” takes the next short paragraph as its title.
- Counting (rules/report.py): all whitespace removed, punctuation counts.
- Pictures: each image embedded in a highlight's part (inline or floating, in the text or in a
  table, in a shape group) counts once; Word's compatibility copies (mc:Fallback) and OLE object
  previews do not. Captions are not body text: a paragraph in Word's 题注 (Caption) style, the text
  in the paragraph that holds a picture, or a paragraph of at most 30 characters starting with “图”
  right after a picture. Text in a table that holds pictures is taken as captions too.
- A missing section reads as empty, and R2 reports it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from typing import IO, Any

import docx
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Mm

from greenlist.documents.styles import TEXT_WIDTH_MM, docx_bytes, new_document, paragraph
from greenlist.documents.uploads import UploadRefused, inspect_upload
from greenlist.rules.batch import Batch
from greenlist.rules.report import (
    COUNTING_RULE,
    ExperienceReport,
    Highlight,
    count_chars,
    highlight_name,
    r2_report_limits,
)
from greenlist.rules.vocabulary import Category

REPORT_MAX_BYTES = 20 * 1024 * 1024  # pictures make reports large; 20 MB holds a dozen photos
PICTURE_MAX_WIDTH_MM = TEXT_WIDTH_MM - 16  # 140mm: inside the text block with room to spare
PICTURE_MAX_HEIGHT_MM = 100

READING_RULES = (
    f"字数{COUNTING_RULE}：去除全部空白（空格、全角空格、制表符、换行）后计数，标点符号计入。"
    "图片按各亮点部分内嵌入的图片计数（正文或表格中的嵌入、浮动图片均计入）；"
    "图片题注（“题注”样式的段落、与图片同段的文字、紧随图片且以“图”开头的30字以内段落）不计入正文字数。"
    "各部分按标题识别：“一、企业简介”“二、创建做法”“三、工作亮点”“四、下一步发展措施”，"
    "编号可写作“一、”“一．”“1.”或省略；亮点标题写作“亮点一：”或“亮点1：”。"
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _R, _T, _TAB, _BR, _CR = (f"{_W}{t}" for t in ("p", "tbl", "r", "t", "tab", "br", "cr"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
_TXBX, _OBJECT, _PICT = f"{_W}txbxContent", f"{_W}object", f"{_W}pict"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_NUMERAL = r"(?:[一二三四五六七八九十]+|\d+)"
_SECTION_PREFIX = re.compile(rf"^[（(]?{_NUMERAL}[)）]?\s*[、．.，,]?\s*")
_HINT = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")
_INSPIRATION = re.compile(r"^示范启示\s*[:：]\s*(?P<rest>.*)$", re.DOTALL)
_HIGHLIGHT = re.compile(
    rf"^(?:[（(]?{_NUMERAL}[)）]\s*|{_NUMERAL}\s*[、．.]\s*)?亮点\s*(?P<num>{_NUMERAL})\s*[:：、．.]?\s*(?P<rest>.*)$",
    re.DOTALL,
)
_INLINE_SECTION = re.compile(
    r"^(?P<name>企业简介|园区简介|公司简介|企业/园区简介|创建做法|下一步发展措施)[:：](?P<rest>.+)$",
    re.DOTALL,
)


def _category(category: str | Category) -> Category:
    try:
        return Category(category)
    except ValueError:
        raise ValueError(f"类别须为 factory、park 或 supply_chain，而不是“{category}”") from None


def introduction_heading(category: str | Category) -> str:
    return "园区简介" if _category(category) is Category.PARK else "企业简介"


# ---------------------------------------------------------------------------------------------
# Writing


def _body(document: Any, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            paragraph(document, "GLBody", line.strip())


def _picture(document: Any, blob: bytes, caption: str, where: str) -> None:
    try:
        image = Image.from_blob(blob)
    except Exception as exc:  # python-docx raises its own error types and struct errors alike
        raise ValueError(f"{where}无法识别（仅支持 PNG、JPEG 图片）") from exc
    width, height = int(image.width), int(image.height)
    scale = min(1.0, Mm(PICTURE_MAX_WIDTH_MM) / width, Mm(PICTURE_MAX_HEIGHT_MM) / height)
    holder = paragraph(document, "GLPicture")
    holder.add_run().add_picture(io.BytesIO(blob), width=int(width * scale), height=int(height * scale))
    if caption.strip():
        document.add_paragraph(caption.strip(), style=document.styles["Caption"])


def experience_report_docx(
    organisation_name: str,
    category: str | Category,
    report: ExperienceReport,
    pictures: Sequence[Sequence[tuple[bytes, str]]] = (),
) -> bytes:
    """The report as a Word document in the outline's order and headings.

    ``pictures[i]`` holds the (PNG/JPEG bytes, caption) pairs of highlight ``i`` (its
    ``picture_count`` is ignored: the pictures given are the pictures written). Pictures keep their
    proportions within 140mm × 100mm. Empty sections are written as their bare heading.
    """
    title = f"{organisation_name}典型经验报告"
    document = new_document(title, organisation_name)
    paragraph(document, "GLTitle", title)
    paragraph(document, "GLPlain")
    inspiration = paragraph(document, "GLBody")
    inspiration.add_run("示范启示：").bold = True
    inspiration.add_run(" ".join(report.inspiration.split()))
    paragraph(document, "GLSubtitle", report.title.strip())
    paragraph(document, "GLHeading1", f"一、{introduction_heading(category)}")
    _body(document, report.introduction)
    paragraph(document, "GLHeading1", "二、创建做法")
    _body(document, report.practices)
    paragraph(document, "GLHeading1", "三、工作亮点")
    for index, (highlight_title, body, _count) in enumerate(report.highlights):
        name = highlight_name(index + 1)
        paragraph(document, "GLHeading2", f"{name}：{highlight_title.strip()}")
        _body(document, body)
        own = pictures[index] if index < len(pictures) else ()
        for number, (blob, caption) in enumerate(own, start=1):
            _picture(document, blob, caption, f"{name}的第{number}张图片")
    paragraph(document, "GLHeading1", "四、下一步发展措施")
    _body(document, report.next_steps)
    return docx_bytes(document)


# ---------------------------------------------------------------------------------------------
# Reading


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, looking inside content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


def _within(element: Any, stop: Any, tags: set[str]) -> bool:
    node = element.getparent()
    while node is not None and node is not stop:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _text(block: Any) -> str:
    """The block's visible text, without text boxes and Word's compatibility duplicates."""
    parts: list[str] = []
    for node in block.iter(_T, _TAB, _BR, _CR):
        if node.getparent() is None or node.getparent().tag != _R:
            continue  # w:tab also defines tab stops in w:pPr
        if _within(node, block, {_TXBX, _FALLBACK}):
            continue
        parts.append(node.text or "" if node.tag == _T else ("\t" if node.tag == _TAB else "\n"))
    return "".join(parts)


def _pictures(block: Any) -> int:
    count = 0
    for blip in block.iter(_BLIP):
        if blip.get(f"{_R_NS}embed") and not _within(blip, block, {_FALLBACK, _OBJECT}):
            count += 1
    for data in block.iter(_IMAGEDATA):
        if data.get(f"{_R_NS}id") and not _within(data, block, {_FALLBACK, _OBJECT}):
            count += 1
    return count


def _section(text: str) -> tuple[str, str] | None:
    """(section, text after the heading) when the paragraph is a section heading."""
    name = _SECTION_PREFIX.sub("", text.strip(), count=1)
    inline = _INLINE_SECTION.match(name)
    if inline:
        key = inline.group("name")
        rest = inline.group("rest")
    else:
        key, rest = _HINT.sub("", name).rstrip("：:").strip(), ""
        if count_chars(key) > 12:
            return None
    if key.endswith("简介"):
        return "introduction", rest
    if key == "创建做法" or (key.startswith("创建") and key.endswith("做法")):
        return "practices", rest
    if key in ("工作亮点", "亮点", "主要亮点"):
        return "highlights", rest
    if key.startswith("下一步"):
        return "next_steps", rest
    return None


def _split_title(rest: str) -> tuple[str, str]:
    """A highlight heading's rest: its title, and any body run into the same paragraph."""
    rest = rest.strip()
    if "\n" not in rest and count_chars(rest) <= 30:
        return rest, ""
    cuts = [index for index in (rest.find("\n"), rest.find("。")) if index >= 0]
    if not cuts:
        return rest, ""
    cut = min(cuts)
    return rest[:cut].strip(), rest[cut + 1 :].strip()


class _Reader:
    def __init__(self, caption_styles: set[str]) -> None:
        self.caption_styles = caption_styles
        self.section = ""  # "" before the first section heading
        self.sections: dict[str, list[str]] = {"introduction": [], "practices": [], "next_steps": []}
        self.highlights: list[list[Any]] = []  # [title, [body], pictures]
        self.title_pending = False
        self.seen_document_title = False
        self.inspiration: str | None = None
        self.preamble: list[tuple[str, bool]] = []  # (text, after the 示范启示 line)
        self.after_picture = False

    def block(self, block: Any) -> None:
        pictures, text = _pictures(block), _text(block).strip()
        after_picture, self.after_picture = self.after_picture, pictures > 0
        if pictures:
            if self.section == "highlights" and self.highlights:
                self.highlights[-1][2] += pictures
            return  # text beside a picture is its caption
        if block.tag == _TBL:
            self.paragraph(text, caption=False)
            return
        style = block.find(f"{_W}pPr/{_W}pStyle")
        caption = (style is not None and style.get(f"{_W}val", "").lower() in self.caption_styles) or (
            after_picture and text.startswith("图") and count_chars(text) <= 30
        )
        self.paragraph(text, caption)

    def paragraph(self, text: str, caption: bool) -> None:
        if caption or not count_chars(text):
            return
        if self.section in ("", "preamble"):
            if not self.seen_document_title and "典型经验" in text and count_chars(text) <= 60:
                self.seen_document_title = True
                return
            if text.strip("（）() ") in ("提纲", "附件2", "附件 2"):
                return
            inspiration = _INSPIRATION.match(text)
            if inspiration and self.inspiration is None:
                self.inspiration = inspiration.group("rest").strip()
                return
        highlight = _HIGHLIGHT.match(text)
        if highlight and count_chars(highlight.group("rest")) <= 400:
            title, body = _split_title(highlight.group("rest"))
            self.highlights.append([title, [body] if body else [], 0])
            self.title_pending = not title
            self.section = "highlights"
            return
        heading = _section(text)
        if heading:
            self.section, rest = heading
            self.title_pending = False
            if rest.strip() and self.section in self.sections:
                self.sections[self.section].append(rest.strip())
            return
        if self.section == "":
            self.preamble.append((text, self.inspiration is not None))
        elif self.section == "highlights":
            if not self.highlights:
                return  # text between “三、工作亮点” and 亮点一 belongs to no highlight
            if self.title_pending and count_chars(text) <= 20:
                self.highlights[-1][0] = text
            else:
                self.highlights[-1][1].append(text)
            self.title_pending = False
        else:
            self.sections[self.section].append(text)

    def report(self) -> ExperienceReport:
        inspiration = self.inspiration or ""
        before = [text for text, after in self.preamble if not after]
        after = [text for text, after_line in self.preamble if after_line]
        if self.inspiration == "" and len(after) >= 2:
            # “示范启示：” alone on its line, its text on the next, then the title.
            inspiration, title = after[0], after[1]
        else:
            title = (before + after)[0] if self.preamble else ""
        return ExperienceReport(
            inspiration=inspiration,
            title=title,
            introduction="\n".join(self.sections["introduction"]),
            practices="\n".join(self.sections["practices"]),
            highlights=tuple(
                Highlight(title=t, body="\n".join(body), picture_count=n) for t, body, n in self.highlights
            ),
            next_steps="\n".join(self.sections["next_steps"]),
        )


def read_experience_report(data: bytes | IO[bytes]) -> ExperienceReport:
    """Parse a .docx written by :func:`experience_report_docx` or by hand in the outline's shape.

    Raises :class:`UploadRefused` when the bytes are not a readable Word document; call
    :func:`~greenlist.documents.uploads.inspect_upload` first for anything uploaded.
    """
    try:
        document = docx.Document(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as exc:  # python-docx lets zipfile, lxml and KeyError errors through
        raise UploadRefused(
            f"无法读取 Word 文档（{type(exc).__name__}），请确认文件为 .docx 格式", "corrupt"
        ) from exc
    caption_styles = {"caption", "题注"}
    for style in document.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and str(name.get(qn("w:val"), "")).lower() in caption_styles:
            caption_styles.add(str(style.get(qn("w:styleId"), "")).lower())
    reader = _Reader(caption_styles)
    for block in _blocks(document.element.body):
        reader.block(block)
    return reader.report()


def check_report(
    data: bytes | IO[bytes], category: str | Category, batch: Batch, *, max_bytes: int = REPORT_MAX_BYTES
) -> dict[str, Any]:
    """R2 on an uploaded report: ``{"ok": bool, "breaches": [{"rule", "section", "limit",
    "actual", "message"}]}`` (the shape of ``greenlist check-report``).

    The file is inspected as an upload first (Word only, size, zip bomb, macros, external
    references); a refusal raises :class:`UploadRefused`.
    """
    kind = _category(category)
    inspect_upload("典型经验报告", data, {"docx"}, max_bytes)  # rewinds a file object
    report = read_experience_report(data)
    breaches = [
        {
            "rule": finding.rule,
            "section": finding.evidence["section"],
            "limit": finding.evidence["limit"],
            "actual": finding.evidence["actual"],
            "message": finding.message,
        }
        for finding in r2_report_limits(batch, report, kind)
    ]
    return {"ok": not breaches, "breaches": breaches}
