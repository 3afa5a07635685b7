"""附件2 典型经验报告: written in the outline's order, read back (ours and hand-made), checked by R2."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm

from greenlist.documents import READING_RULES, UploadRefused, check_report, read_experience_report
from greenlist.documents.experience_report import PICTURE_MAX_WIDTH_MM, experience_report_docx
from greenlist.rules.batch import load_batch
from greenlist.rules.report import ExperienceReport, Highlight, count_chars
from tests.documents.helpers import good_report, png, report_docx, text

BATCH = load_batch("hebei", "2024")


def paragraphs(data: bytes) -> list[Any]:
    return [p for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def breaches(data: bytes, category: str = "factory") -> dict[str, dict[str, Any]]:
    result = check_report(data, category, BATCH)
    assert result["ok"] == (not result["breaches"])
    return {b["section"]: b for b in result["breaches"]}


# ---------------------------------------------------------------------------------------------
# Writing


def test_written_in_the_outlines_order_and_headings() -> None:
    written = paragraphs(report_docx())
    texts = [p.text for p in written]
    assert texts[0] == "河北某某钢铁有限公司典型经验报告"
    assert texts[1].startswith("示范启示：")
    assert texts[2] == "以数字化推动全流程绿色升级"
    headings = [p.text for p in written if p.style.name == "GL Heading 1"]
    assert headings == ["一、企业简介", "二、创建做法", "三、工作亮点", "四、下一步发展措施"]
    assert [p.text for p in written if p.style.name == "GL Heading 2"] == [
        "亮点一：屋顶光伏全覆盖",
        "亮点二：余热回收再利用",
        "亮点三：智慧能源管控",
    ]


def test_park_reports_have_a_park_introduction() -> None:
    headings = [p.text for p in paragraphs(report_docx(category="park")) if p.style.name == "GL Heading 1"]
    assert headings[0] == "一、园区简介"


def test_pictures_are_embedded_after_their_highlight_and_fit_the_page() -> None:
    pictures = [[(png(3000, 400), "图1 屋顶光伏")], [(png(40, 30), ""), (png(40, 900), "")], []]
    document = docx.Document(io.BytesIO(report_docx(pictures=pictures)))
    shapes = document.inline_shapes
    assert len(shapes) == 3
    assert all(shape.width <= Mm(PICTURE_MAX_WIDTH_MM) + 1 for shape in shapes)
    assert all(shape.height <= Mm(100) + 1 for shape in shapes)
    # proportions kept: the wide picture is 7.5 times as wide as high
    assert shapes[0].width / shapes[0].height == pytest.approx(7.5, rel=0.01)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["图1 屋顶光伏"]


def test_unreadable_picture_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="亮点一的第1张图片无法识别"):
        report_docx(pictures=[[(b"not a picture", "")]])


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="类别须为"):
        experience_report_docx("某公司", "shop", good_report(), [])


# ---------------------------------------------------------------------------------------------
# Reading back


def test_round_trip_keeps_every_section_and_counts_pictures_not_captions() -> None:
    report = good_report()
    pictures = [[(png(), "图1 光伏")], [(png(), ""), (png(), "图2 余热锅炉")], []]
    back = read_experience_report(report_docx(report, pictures=pictures))
    assert count_chars(back.inspiration) == count_chars(report.inspiration)
    assert back.title == report.title
    assert count_chars(back.introduction) == count_chars(report.introduction)
    assert count_chars(back.practices) == count_chars(report.practices)
    assert count_chars(back.next_steps) == count_chars(report.next_steps)
    assert [(h.title, count_chars(h.body), h.picture_count) for h in back.highlights] == [
        ("屋顶光伏全覆盖", 300, 1),
        ("余热回收再利用", 250, 2),
        ("智慧能源管控", 380, 0),
    ]


def handmade(*blocks: str | tuple[str, Any], pictures_after: dict[int, int] | None = None) -> bytes:
    """A report typed by hand in Word: plain paragraphs, pictures added with add_picture."""
    document = docx.Document()
    for index, block in enumerate(blocks):
        if isinstance(block, tuple):
            kind, value = block
            if kind == "caption":
                document.add_paragraph(value, style="Caption")
            elif kind == "xml":
                document.element.body.append(parse_xml(value))
            elif kind == "table":
                table = document.add_table(rows=1, cols=2)
                for cell in table.rows[0].cells:
                    cell.paragraphs[0].add_run().add_picture(io.BytesIO(png()), width=Mm(30))
                    cell.add_paragraph(value)
        else:
            document.add_paragraph(block)
        for _ in range((pictures_after or {}).get(index, 0)):
            document.add_paragraph().add_run().add_picture(io.BytesIO(png()), width=Mm(40))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


BODY = text(250)


def test_handmade_report_with_other_numbering_and_punctuation() -> None:
    data = handmade(
        "附件2",
        "某某公司典型经验报告",
        "（提纲）",
        "示范启示:坚持绿色发展，打造行业标杆。",
        "绿色引领 智造未来",
        "一．企业/园区简介（绿色工厂企业包括基本信息、发展现状、工艺产品、生产经营状况、获得的荣誉等，200字以内）",
        "某某公司成立于1998年，主营特种钢材。",
        "2.创建做法",
        "建立能源管理体系。",
        "推进清洁生产审核。",
        "三、工作亮点",
        "亮点1：光伏发电全覆盖",
        BODY,
        "图1 厂区屋顶光伏",
        "（二）亮点二：余热回收",
        BODY,
        "亮点3.智慧能源管控平台",
        BODY,
        "四、下一步发展措施",
        "继续推进超低排放改造。",
        pictures_after={12: 1, 14: 2},
    )
    report = read_experience_report(data)
    assert report.inspiration == "坚持绿色发展，打造行业标杆。"
    assert report.title == "绿色引领 智造未来"
    assert report.introduction == "某某公司成立于1998年，主营特种钢材。"
    assert report.practices == "建立能源管理体系。\n推进清洁生产审核。"
    assert [(h.title, count_chars(h.body), h.picture_count) for h in report.highlights] == [
        ("光伏发电全覆盖", count_chars(BODY), 1),  # the caption after the picture is not body text
        ("余热回收", count_chars(BODY), 2),
        ("智慧能源管控平台", count_chars(BODY), 0),
    ]
    assert report.next_steps == "继续推进超低排放改造。"


def test_headings_without_numbers_inspiration_on_its_own_line_and_caption_style() -> None:
    data = handmade(
        "示范启示：",
        "以绿色低碳引领高质量发展。",
        "打造零碳工厂",
        "企业简介",
        "公司简介正文。",
        "创建做法",
        "做法正文。",
        "工作亮点",
        "亮点一：",
        "零碳园区建设",
        BODY,
        ("caption", "图 零碳园区全景（题注样式）"),
        "下一步发展措施",
        "措施正文。",
        pictures_after={10: 1},
    )
    report = read_experience_report(data)
    assert report.inspiration == "以绿色低碳引领高质量发展。"
    assert report.title == "打造零碳工厂"
    assert report.introduction == "公司简介正文。"
    assert [(h.title, count_chars(h.body), h.picture_count) for h in report.highlights] == [
        ("零碳园区建设", count_chars(BODY), 1)
    ]
    assert report.next_steps == "措施正文。"


def test_body_run_into_the_highlight_heading_is_split_off() -> None:
    data = handmade("三、工作亮点", "亮点一：节能降碳显成效。" + BODY)
    (highlight,) = read_experience_report(data).highlights
    assert highlight.title == "节能降碳显成效"
    assert count_chars(highlight.body) == count_chars(BODY)


def test_pictures_in_a_table_count_and_their_captions_do_not() -> None:
    data = handmade("三、工作亮点", "亮点一：光伏发电全覆盖", BODY, ("table", "图1 光伏板"))
    (highlight,) = read_experience_report(data).highlights
    assert highlight.picture_count == 2
    assert count_chars(highlight.body) == count_chars(BODY)


def test_word_compatibility_copies_of_a_picture_count_once() -> None:
    # Word saves a floating picture as mc:AlternateContent: a DrawingML choice and a VML fallback.
    alternate = (
        f"<w:p {nsdecls('w', 'r', 'a', 'pic', 'wp')} "
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><pic:pic><pic:blipFill>'
        '<a:blip r:embed="rId99"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        '</mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id="rId99"/></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r></w:p>"
    )
    vml_only = (
        f'<w:p {nsdecls("w", "r")} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape>'
        '<v:imagedata r:id="rId98"/></v:shape></w:pict></w:r></w:p>'
    )
    data = handmade("三、工作亮点", "亮点一：光伏发电全覆盖", BODY, ("xml", alternate), ("xml", vml_only))
    (highlight,) = read_experience_report(data).highlights
    assert highlight.picture_count == 2


def test_missing_sections_read_as_empty() -> None:
    report = read_experience_report(handmade("示范启示：绿色发展。", "标题", "一、企业简介", "简介。"))
    assert report == ExperienceReport("绿色发展。", "标题", "简介。", "", (), "")


def test_reading_a_non_word_file_is_refused() -> None:
    with pytest.raises(UploadRefused, match="无法读取 Word 文档"):
        read_experience_report(b"%PDF-1.7 not a docx")


# ---------------------------------------------------------------------------------------------
# R2 through check_report, at each limit


def with_highlight(position: int, **changes: Any) -> ExperienceReport:
    report = good_report()
    highlights = list(report.highlights)
    highlights[position] = Highlight(**{**highlights[position]._asdict(), **changes})
    return dataclasses.replace(report, highlights=tuple(highlights))


def test_a_good_report_passes_with_exactly_the_contract_shape() -> None:
    assert check_report(report_docx(), "factory", BATCH) == {"ok": True, "breaches": []}


@pytest.mark.parametrize(
    ("category", "chars", "section", "limit"),
    [
        ("factory", 200, "企业简介", "≤200字"),
        ("supply_chain", 200, "企业简介", "≤200字"),
        ("park", 500, "园区简介", "≤500字"),
    ],
)
def test_introduction_limit_per_category(category: str, chars: int, section: str, limit: str) -> None:
    at_limit = good_report(introduction=text(chars))
    assert section not in breaches(report_docx(at_limit, category), category)
    over = breaches(report_docx(good_report(introduction=text(chars + 1)), category), category)
    assert over[section] == {
        "rule": "R2",
        "section": section,
        "limit": limit,
        "actual": chars + 1,
        "message": f"“{section}”应在{chars}字以内，实际{chars + 1}字（按去除空白后的字数计，标点计入）",
    }


def test_inspiration_50_passes_51_breaches() -> None:
    assert "示范启示" not in breaches(report_docx(good_report(inspiration=text(50))))
    breach = breaches(report_docx(good_report(inspiration=text(51))))["示范启示"]
    assert (breach["limit"], breach["actual"]) == ("≤50字", 51)


@pytest.mark.parametrize(("chars", "ok"), [(4, False), (5, True), (10, True), (11, False)])
def test_highlight_title_5_to_10_characters(chars: int, ok: bool) -> None:
    found = breaches(report_docx(with_highlight(1, title=text(chars, "节能降碳成效显著好"))))
    assert ("亮点二标题" not in found) == ok
    if not ok:
        assert (found["亮点二标题"]["limit"], found["亮点二标题"]["actual"]) == ("5–10字", chars)


@pytest.mark.parametrize(("chars", "ok"), [(199, False), (200, True), (400, True), (401, False)])
def test_highlight_body_200_to_400_characters(chars: int, ok: bool) -> None:
    found = breaches(report_docx(with_highlight(2, body=text(chars))))
    assert ("亮点三正文" not in found) == ok
    if not ok:
        assert (found["亮点三正文"]["limit"], found["亮点三正文"]["actual"]) == ("200–400字", chars)


def test_highlight_without_picture_breaches() -> None:
    pictures = [[(png(), "")], [], [(png(), "")]]
    found = breaches(report_docx(pictures=pictures))
    assert list(found) == ["亮点二图片"]
    assert found["亮点二图片"]["limit"] == "≥1张" and found["亮点二图片"]["actual"] == 0


@pytest.mark.parametrize(
    ("field", "section"),
    [
        ("practices", "创建做法"),
        ("next_steps", "下一步发展措施"),
        ("inspiration", "示范启示"),
        ("title", "标题"),
    ],
)
def test_missing_section_breaches(field: str, section: str) -> None:
    found = breaches(report_docx(good_report(**{field: ""})))
    assert found[section]["message"] == f"缺少“{section}”部分"
    assert found[section]["limit"] == "必填" and found[section]["actual"] == 0


def test_two_highlights_instead_of_three_breaches() -> None:
    report = good_report()
    report = dataclasses.replace(report, highlights=report.highlights[:2])
    found = breaches(report_docx(report))
    assert found["工作亮点"]["limit"] == "3个" and found["工作亮点"]["actual"] == 2


def test_check_report_refuses_other_file_types() -> None:
    with pytest.raises(UploadRefused) as refused:
        check_report(b"%PDF-1.7\n%%EOF", "factory", BATCH)
    assert str(refused.value) == "文件内容为 PDF，但此处只接受 Word 文档（.docx）"


def test_the_counting_rule_is_written_for_users() -> None:
    assert "去除全部空白" in READING_RULES and "标点符号计入" in READING_RULES and "题注" in READING_RULES
