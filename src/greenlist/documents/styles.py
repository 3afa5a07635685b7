"""Page setup, fonts and paragraph styles shared by every document greenlist writes.

The layout follows GB/T 9704-2012 《党政机关公文格式》, which Chinese offices apply to every
document they seal: A4, margins 上37mm 下35mm 左28mm 右26mm (版心 156mm × 225mm), title in
二号方正小标宋简体, body in 三号仿宋_GB2312, first-level headings in 三号黑体, second-level in
三号楷体_GB2312, page numbers “— 1 —” in 四号宋体. Tables use 五号宋体 so five columns of company
names fit the 156mm text width.

Fonts are named as the offices' machines name them. A machine without a font substitutes one, and
the file tells it which: every run sets the same name for ``w:ascii``, ``w:hAnsi``, ``w:eastAsia``
and ``w:cs`` (a theme font or a Latin-only slot would let Word pick Calibri for the digits and a
CJK font for the rest), and the font table (``word/fontTable.xml``) declares each font with the
GB2312 character set (``w:charset 86``), its family and pitch, and the first fallback as
``w:altName`` (方正小标宋简体 → 黑体; 仿宋_GB2312 → 仿宋; 楷体_GB2312 → 楷体). Word and WPS use
these to choose a Chinese substitute; LibreOffice substitutes through fontconfig by the runs'
language, which the defaults set to zh-CN. The xlsx fonts carry charset 134 (GB2312) for the same
reason.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt


@dataclass(frozen=True)
class FontChoice:
    """A font as Chinese offices name it, with the names to fall back to, best first."""

    name: str
    fallbacks: tuple[str, ...]
    family: str  # w:family: roman (serif, 宋体 style) or modern (fixed pitch CJK faces)
    panose: str  # w:panose1, lets Word match a similar face when the font is missing


# 二号方正小标宋简体: titles.
TITLE_FONT = FontChoice("方正小标宋简体", ("黑体", "SimHei"), "auto", "02000000000000000000")
# 三号仿宋_GB2312: body text. Newer Windows ships only 仿宋 (FangSong).
BODY_FONT = FontChoice("仿宋_GB2312", ("仿宋", "FangSong"), "modern", "02010609030101010101")
# 三号黑体: first-level headings (一、…), labels such as “附件1”.
HEADING_FONT = FontChoice("黑体", ("SimHei",), "modern", "02010609060101010101")
# 三号楷体_GB2312: second-level headings (亮点一：…).
KAI_FONT = FontChoice("楷体_GB2312", ("楷体", "KaiTi"), "modern", "02010609030101010101")
# 五号宋体: tables; 四号宋体: page numbers.
TABLE_FONT = FontChoice("宋体", ("SimSun",), "auto", "02010600030101010101")

ALL_FONTS = (TITLE_FONT, BODY_FONT, HEADING_FONT, KAI_FONT, TABLE_FONT)

# Font sizes by their Chinese names (号), in points.
ERHAO, XIAOER, SANHAO, SIHAO, XIAOSI, WUHAO = 22.0, 18.0, 16.0, 14.0, 12.0, 10.5

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
# Body line pitch: GB/T 9704 asks for 22 lines a page; 固定值28磅 is what offices set in practice.
BODY_LINE_PT = 28

TWIPS_PER_MM = 1440 / 25.4


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


# Paragraph styles: style id → (name, font, size, bold, alignment, first-line indent in characters,
# exact line pitch in points or None for single spacing, keep with next, outline level).
_Style = tuple[str, FontChoice, float, bool, str, int, float | None, bool, int | None]
STYLES: dict[str, _Style] = {
    "GLTitle": ("GL Title", TITLE_FONT, ERHAO, False, "center", 0, None, True, None),
    "GLSubtitle": ("GL Subtitle", TITLE_FONT, SANHAO, False, "center", 0, BODY_LINE_PT, True, None),
    "GLLabel": ("GL Label", HEADING_FONT, SANHAO, False, "left", 0, BODY_LINE_PT, True, None),
    "GLHeading1": ("GL Heading 1", HEADING_FONT, SANHAO, False, "both", 2, BODY_LINE_PT, True, 0),
    "GLHeading2": ("GL Heading 2", KAI_FONT, SANHAO, True, "both", 2, BODY_LINE_PT, True, 1),
    "GLBody": ("GL Body", BODY_FONT, SANHAO, False, "both", 2, BODY_LINE_PT, False, None),
    "GLPlain": ("GL Plain", BODY_FONT, SANHAO, False, "left", 0, BODY_LINE_PT, False, None),
    # GB/T 9704 keeps the sender and date off the right edge; two characters is the usual choice.
    "GLSignature": ("GL Signature", BODY_FONT, SANHAO, False, "right", 0, BODY_LINE_PT, True, None),
    # Pictures sit on single spacing: an exact line pitch would crop them to one line.
    "GLPicture": ("GL Picture", BODY_FONT, SANHAO, False, "center", 0, None, True, None),
    "GLTableTitle": ("GL Table Title", HEADING_FONT, XIAOSI, False, "center", 0, None, False, None),
    "GLTableHead": ("GL Table Head", TABLE_FONT, WUHAO, True, "center", 0, None, False, None),
    "GLTableText": ("GL Table Text", TABLE_FONT, WUHAO, False, "center", 0, None, False, None),
    "GLFooter": ("GL Footer", TABLE_FONT, SIHAO, False, "center", 0, None, False, None),
}


def set_fonts(rpr: Any, font: FontChoice) -> None:
    """Name ``font`` in every w:rFonts slot of a w:rPr and drop theme fonts, which would win."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        # CT_RPr's sequence starts w:rStyle, w:rFonts: Word refuses a file with them swapped.
        has_style = len(rpr) and rpr[0].tag == qn("w:rStyle")
        rpr.insert(1 if has_style else 0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font.name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_defaults(document: Document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    # zh-CN tells every renderer to pick a Simplified Chinese face and apply Chinese line breaking.
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    spacing = ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    normal = document.styles["Normal"]
    normal.font.size = Pt(SANHAO)
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)


def _add_styles(document: Document) -> None:
    alignments = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
    for style_id, (name, font, size, bold, align, indent, line, keep, outline) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        set_fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = alignments[align]
        fmt.keep_with_next = keep
        if line is not None:
            fmt.line_spacing = Pt(line)  # a Length makes python-docx write lineRule="exact"
        if indent:
            # firstLineChars scales with the font (2 characters whatever the size); firstLine is
            # what renderers that ignore *Chars attributes use.
            fmt.first_line_indent = Pt(size * indent)
            ind = style.element.pPr.find(qn("w:ind"))
            ind.set(qn("w:firstLineChars"), str(indent * 100))
        if style_id == "GLSignature":
            fmt.right_indent = Pt(size * 2)
        if outline is not None:
            style.element.get_or_add_pPr().append(
                parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{outline}"/>')
            )
    # Word's built-in Caption (题注) style, so captions written by us and by Word read back alike.
    caption = document.styles["Caption"]
    caption.font.size = Pt(XIAOSI)
    caption.font.bold = False
    caption.font.color.rgb = None
    set_fonts(caption.element.get_or_add_rPr(), BODY_FONT)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(6)


def _declare_fonts(document: Document) -> None:
    """Declare each font with its GB2312 charset and first fallback in word/fontTable.xml."""
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    for font in ALL_FONTS:
        pitch = "fixed" if font.family == "modern" else "variable"
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{font.name}">'
                f'<w:altName w:val="{font.fallbacks[0]}"/>'
                f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="86"/>'
                f'<w:family w:val="{font.family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    part._blob = serialize_part_xml(root)


def _page_number_footer(document: Document) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["GL Footer"]
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">— </w:t></w:r>'))
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


def new_document(title: str, author: str) -> Document:
    """An empty A4 document with the GB/T 9704 margins, the styles above and page numbers."""
    document = new_docx()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    # GB/T 9704: the page number's top is 7mm below the text block (35 - 7 = 28mm above the paper's
    # edge); Word measures the footer distance to the footer's bottom, one 四号 line (5mm) lower.
    section.header_distance, section.footer_distance = Mm(15), Mm(MARGIN_BOTTOM_MM - 7 - 5)
    _set_defaults(document)
    _add_styles(document)
    _declare_fonts(document)
    _page_number_footer(document)
    # The default template ships a thumbnail of its own blank page; file browsers would show it.
    package_rels = document.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(r_id)
    props = document.core_properties
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = now
    props.revision, props.comments, props.keywords, props.subject = 1, "", "", ""
    props.language = "zh-CN"
    return document


def paragraph(document: Document, style_id: str, text: str = "") -> Any:
    """Append a paragraph in one of :data:`STYLES` (by id) holding ``text`` as one run."""
    added = document.add_paragraph(style=document.styles[STYLES[style_id][0]])
    if text:
        added.add_run(text)
    return added


def set_indent(para: Any, size_pt: float, left_chars: int, first_line_chars: int) -> None:
    """Indent a paragraph in characters (negative first line: hanging), overriding its style's
    character-based indent; the twips values are for renderers that ignore the *Chars attributes."""
    ppr = para._p.get_or_add_pPr()
    old = ppr.find(qn("w:ind"))
    if old is not None:
        ppr.remove(old)
    unit = round(size_pt * 20)  # twips per character at this size
    attrs = f'w:leftChars="{left_chars * 100}" w:left="{left_chars * unit}" '
    if first_line_chars < 0:
        attrs += f'w:hangingChars="{-first_line_chars * 100}" w:hanging="{-first_line_chars * unit}"'
    else:
        attrs += f'w:firstLineChars="{first_line_chars * 100}" w:firstLine="{first_line_chars * unit}"'
    ind = parse_xml(f"<w:ind {nsdecls('w')} {attrs}/>")
    # CT_PPr's sequence puts w:ind after spacing and before contextualSpacing/jc/outlineLvl.
    successors = {qn(f"w:{t}") for t in ("contextualSpacing", "mirrorIndents", "suppressOverlap", "jc")}
    successors |= {qn(f"w:{t}") for t in ("textDirection", "textAlignment", "outlineLvl", "rPr", "sectPr")}
    for child in ppr:
        if child.tag in successors:
            child.addprevious(ind)
            return
    ppr.append(ind)


def docx_bytes(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def date_text(day: dt.date | None) -> str:
    """GB/T 9704 writes dates in Arabic numerals without leading zeros: 2024年7月5日. No date leaves
    room for the date written by hand next to the seal."""
    if day is None:
        return "年    月    日"
    return f"{day.year}年{day.month}月{day.day}日"
