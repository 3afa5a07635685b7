"""The recommendation letter (推荐意见正式文件): a 公文-style draft read back with python-docx."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import docx

from greenlist.documents import Consultation, LetterData, recommendation_letter_docx

LETTER = LetterData(
    unit_name="石家庄市",
    bureau="石家庄市工业和信息化局",
    year="2024",
    batch_title="2024年度国家绿色制造名单推荐",
    notice_title="关于组织推荐2024年度国家绿色制造名单的通知",
    counts={"绿色工厂": 3, "绿色工业园区": 1, "绿色供应链管理企业": 0},
    recommended={"绿色工厂": ["乙公司", "甲公司", "丙公司"], "绿色工业园区": ["石家庄某开发区"]},
    consultations=[
        Consultation("生态环境部门", True, dt.date(2024, 7, 8)),
        Consultation("应急管理部门", True, dt.date(2024, 7, 9), "同意"),
        Consultation("市场监管部门", True, dt.date(2024, 7, 10)),
    ],
    date=dt.date(2024, 7, 15),
    contact_person="张三",
    contact_phone="0311-00000000",
)


def lines(data: LetterData = LETTER) -> list[str]:
    document = docx.Document(io.BytesIO(recommendation_letter_docx(data)))
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_title_addressee_and_notice_cited() -> None:
    text = lines()
    assert text[0] == "关于推荐2024年度国家绿色制造名单的报告"
    assert text[1] == "河北省工业和信息化厅："
    assert "《关于组织推荐2024年度国家绿色制造名单的通知》" in text[2]
    assert "石家庄市2024年度国家绿色制造名单推荐工作" in text[2]


def test_counts_per_category_and_names_in_recommended_order() -> None:
    text = lines()
    assert (
        "我局共推荐4家（个），其中绿色工厂3家、绿色工业园区1个、绿色供应链管理企业0家（名单详见附件1）。"
        in text
    )
    assert "（一）绿色工厂（3家）：乙公司、甲公司、丙公司。" in text
    assert "（二）绿色工业园区（1个）：石家庄某开发区。" in text
    assert "（三）绿色供应链管理企业（0家）：无。" in text


def test_each_consultation_with_its_date_and_verdict() -> None:
    text = lines()
    assert "生态环境部门于2024年7月8日反馈，同意推荐。" in text
    assert "应急管理部门于2024年7月9日反馈，同意推荐。" in text  # “同意” adds nothing to the verdict
    assert "市场监管部门于2024年7月10日反馈，同意推荐。" in text
    assert "各部门均同意推荐，无不同意见。" in text
    assert any("征求了生态环境、应急管理、市场监管等部门意见" in line for line in text)


def test_disagreement_and_missing_opinions_are_shown_not_smoothed_over() -> None:
    data = dataclasses.replace(
        LETTER,
        consultations=[
            Consultation("生态环境部门", False, dt.date(2024, 7, 8), "乙公司2023年有环境行政处罚"),
            Consultation("应急管理部门", True, None),
        ],
    )
    text = lines(data)
    assert "生态环境部门于2024年7月8日反馈，不同意推荐，意见为：乙公司2023年有环境行政处罚。" in text
    assert "应急管理部门：尚未反馈意见【待反馈】。" in text
    assert "各部门均同意推荐，无不同意见。" not in text


def test_attachments_sender_seal_date_and_contact() -> None:
    data = dataclasses.replace(LETTER, attachments=["典型经验报告（4份）"])
    text = lines(data)
    first = text.index("附件：1.石家庄市2024年度国家绿色制造名单推荐汇总表")
    assert text[first + 1] == "2.典型经验报告（4份）"
    assert text[first + 2 : first + 5] == ["石家庄市工业和信息化局", "（单位公章）", "2024年7月15日"]
    assert text[-1] == "（联系人：张三；联系电话：0311-00000000）"


def test_undated_draft_and_a_unit_that_is_not_a_bureau() -> None:
    data = dataclasses.replace(
        LETTER, bureau="某新区管理委员会", date=None, counts={"绿色工厂": 2}, recommended={}
    )
    text = lines(data)
    assert "年    月    日" in text
    assert "某新区管理委员会" in text
    assert any(line.startswith("我单位共推荐2家（个），其中绿色工厂2家") for line in text)
    assert "（一）绿色工厂（2家）：（名单详见附件1）。" in text


def test_letter_is_an_a4_document_with_chinese_body_font() -> None:
    document = docx.Document(io.BytesIO(recommendation_letter_docx(LETTER)))
    assert round(document.sections[0].page_width.mm) == 210
    assert document.styles["GL Body"].font.name == "仿宋_GB2312"
    assert document.core_properties.author == "石家庄市工业和信息化局"
