"""The unit's recommendation letter (推荐意见正式文件, 三、工作要求): a 公文-style 报告 drafted from
the unit's data, for the unit to edit, sign and seal.

Layout (GB/T 9704): title in 二号方正小标宋简体, centred; 主送机关 flush left; body in 三号仿宋_GB2312
with headings “一、” in 黑体; “附件：” with the attachments numbered and aligned; the sender and
date flush right, the seal mark “（单位公章）” above the date; the contact line in parentheses.
"""

from __future__ import annotations

from collections.abc import Sequence

from greenlist.documents.data import Consultation, LetterData
from greenlist.documents.layouts import LetterLayout, load_layout
from greenlist.documents.styles import (
    SANHAO,
    date_text,
    docx_bytes,
    new_document,
    paragraph,
    set_indent,
)

# The categories in the notice's order, with the measure word each takes (parks are 个, firms
# 家), the title and the batch's own sentences come from the layout file (data/layouts/).
_ORDINALS = "一二三四五六七八九十"
PENDING = "【待反馈】"


def letter_title(year: str, layout: LetterLayout | None = None) -> str:
    return (layout or load_layout().letter).title.format(year=year)


def _we(bureau: str) -> str:
    """How the sender calls itself: 我局 for a 局, 我单位 otherwise."""
    return "我局" if bureau.endswith("局") else "我单位"


def _categories(data: LetterData) -> list[str]:
    measures = data.shape.measures
    known = [label for label in measures if label in data.counts or label in data.recommended]
    others = [label for label in [*data.counts, *data.recommended] if label not in measures]
    return known + list(dict.fromkeys(others))


def _count(data: LetterData, label: str) -> int:
    if label in data.counts:
        return data.counts[label]
    return len(data.recommended.get(label, ()))


def counts_sentence(data: LetterData) -> str:
    """“共推荐12家（个），其中绿色工厂8家、绿色工业园区2个、绿色供应链管理企业2家。”"""
    labels = _categories(data)
    total = sum(_count(data, label) for label in labels)
    measures = data.shape.measures
    parts = [f"{label}{_count(data, label)}{measures.get(label, '家')}" for label in labels]
    return f"共推荐{total}家（个），其中{'、'.join(parts)}（名单详见附件1）。"


def consultation_sentence(item: Consultation) -> str:
    if item.recorded is None:
        return f"{item.department}：尚未反馈意见{PENDING}。"
    verdict = "同意推荐" if item.agrees else "不同意推荐"
    opinion = item.opinion.strip().rstrip("。")
    # “同意” restates the verdict; anything more is the department's own words and is quoted.
    detail = f"，意见为：{opinion}" if opinion and not verdict.startswith(opinion) else ""
    return f"{item.department}于{date_text(item.recorded)}反馈，{verdict}{detail}。"


def _departments(consultations: Sequence[Consultation]) -> str:
    names = [c.department.removesuffix("部门") for c in consultations]
    if not names:
        return "生态环境、应急管理、市场监管等"
    return "、".join(names) + "等"


def recommendation_letter_docx(data: LetterData) -> bytes:
    """The draft letter as a Word document."""
    title = letter_title(data.year, data.shape)
    document = new_document(title, data.bureau)
    paragraph(document, "GLTitle", title)
    paragraph(document, "GLPlain")
    paragraph(document, "GLPlain", f"{data.addressee}：")
    we = _we(data.bureau)
    issuer = data.notice_issuer or data.addressee
    paragraph(
        document,
        "GLBody",
        f"根据{issuer}《{data.notice_title}》要求，{we}按照“优中选优、宁缺毋滥”的原则，组织开展了"
        f"{data.unit_name}{data.year}年度国家绿色制造名单推荐工作。{data.shape.process.format(we=we)}，"
        "现将推荐情况报告如下：",
    )

    paragraph(document, "GLHeading1", "一、推荐情况")
    paragraph(document, "GLBody", f"{we}{counts_sentence(data)}")
    for position, label in enumerate(_categories(data)):
        names = list(data.recommended.get(label, ()))
        count = _count(data, label)
        measure = data.shape.measures.get(label, "家")
        listing = "、".join(names) if names else ("无" if count == 0 else "（名单详见附件1）")
        paragraph(document, "GLBody", f"（{_ORDINALS[position]}）{label}（{count}{measure}）：{listing}。")

    paragraph(document, "GLHeading1", "二、征求意见情况")
    consultations = list(data.consultations)
    paragraph(
        document,
        "GLBody",
        f"按照通知“推荐的名单应征求当地生态环境、应急管理、市场监管等部门意见”的要求，{we}就推荐名单"
        f"征求了{_departments(consultations)}部门意见。",
    )
    for item in consultations:
        paragraph(document, "GLBody", consultation_sentence(item))
    if consultations and all(c.recorded is not None and c.agrees for c in consultations):
        paragraph(document, "GLBody", "各部门均同意推荐，无不同意见。")

    paragraph(document, "GLHeading1", "三、有关说明")
    paragraph(document, "GLBody", data.shape.materials)
    paragraph(document, "GLBody", "特此报告。")

    paragraph(document, "GLPlain")
    attachments = [data.summary_table_title, *data.attachments]
    for index, name in enumerate(attachments, start=1):
        # “附件：1.…”; later items align under the first number (a hanging indent of 3 characters).
        prefix = "附件：" if index == 1 else ""
        item = paragraph(document, "GLBody", f"{prefix}{index}.{name}")
        set_indent(item, SANHAO, left_chars=5, first_line_chars=-3 if index == 1 else 0)

    paragraph(document, "GLPlain")
    paragraph(document, "GLPlain")
    paragraph(document, "GLSignature", data.bureau)
    paragraph(document, "GLSignature", "（单位公章）")
    signed = paragraph(document, "GLSignature", date_text(data.date))
    signed.paragraph_format.keep_with_next = False
    paragraph(document, "GLPlain")
    person = data.contact_person or "        "
    phone = data.contact_phone or "            "
    paragraph(document, "GLBody", f"（联系人：{person}；联系电话：{phone}）")
    return docx_bytes(document)
