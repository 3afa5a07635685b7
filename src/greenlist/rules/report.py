"""R1–R2: the typical experience report (四、其他要求; 附件2 典型经验报告编制大纲).

Counting rule (字数): a section's length is the number of characters left after stripping leading
and trailing whitespace and removing all whitespace inside (spaces, full-width spaces, tabs, line
breaks). Punctuation counts: Chinese offices count 字 including punctuation, so "绿色，低碳。" is 6
characters. Every R2 message about a length repeats this rule, and each breach's evidence is
``{"section", "limit", "actual"}``, with ``limit`` the outline's requirement as text and ``actual``
the counted number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Category, Effect, Method

COUNTING_RULE = "按去除空白后的字数计，标点计入"
_NUMERALS = "一二三四五六七八九十"


class Highlight(NamedTuple):
    """One 工作亮点: its 5–10 character title, its 200–400 character body, its pictures."""

    title: str
    body: str
    picture_count: int


@dataclass(frozen=True)
class ExperienceReport:
    """The report's sections as text, in the outline's order (附件2)."""

    inspiration: str  # 示范启示
    title: str  # 标题
    introduction: str  # 一、企业/园区简介
    practices: str  # 二、创建做法
    highlights: Sequence[tuple[str, str, int]]  # 三、工作亮点: Highlight or plain (title, body, pictures)
    next_steps: str  # 四、下一步发展措施
    # False for an uploaded .doc/.wps that could not be converted (no LibreOffice): its text is
    # unknown, so R2 says it cannot check rather than reporting every section as missing.
    checkable: bool = True


def count_chars(text: str) -> int:
    """Characters counted as the module docstring says: all whitespace removed, punctuation kept."""
    return len("".join(text.split()))


def r1_report_provided(batch: Batch, application: Application) -> list[Finding]:
    """R1: the material sent with the application: factory and park applicants (the batch's
    ``report_required_categories``) provide the typical experience report; a third-party
    evaluation provides the evaluator's report."""
    findings = []
    if (
        application.category.value in batch.report_required_categories
        and not application.has_experience_report
    ):
        findings.append(
            cite(
                batch,
                "R1",
                Effect.BLOCK,
                f"{application.category.label}申报单位须随申报材料报送典型经验报告（附件2），尚未提供",
            )
        )
    if application.method is Method.THIRD_PARTY and not application.has_evaluation_report:
        findings.append(
            cite(
                batch,
                "R1",
                Effect.BLOCK,
                "采用第三方评价，须随申报材料上传第三方评价报告，尚未上传",
                document="evaluation",
            )
        )
    return findings


def _breach(batch: Batch, section: str, limit: str, actual: int, message: str) -> Finding:
    return cite(
        batch,
        "R2",
        Effect.BLOCK,
        message,
        section=section,
        limit=limit,
        actual=actual,
    )


def _required(batch: Batch, section: str, text: str) -> list[Finding]:
    if count_chars(text):
        return []
    return [_breach(batch, section, "必填", 0, f"缺少“{section}”部分")]


def _at_most(batch: Batch, section: str, text: str, limit: int) -> list[Finding]:
    actual = count_chars(text)
    if actual <= limit:
        return []
    return [
        _breach(
            batch,
            section,
            f"≤{limit}字",
            actual,
            f"“{section}”应在{limit}字以内，实际{actual}字（{COUNTING_RULE}）",
        )
    ]


def _between(batch: Batch, section: str, text: str, bounds: tuple[int, int]) -> list[Finding]:
    actual, (low, high) = count_chars(text), bounds
    if low <= actual <= high:
        return []
    return [
        _breach(
            batch,
            section,
            f"{low}–{high}字",
            actual,
            f"“{section}”应为{low}–{high}字，实际{actual}字（{COUNTING_RULE}）",
        )
    ]


def highlight_name(position: int) -> str:
    """1 → 亮点一."""
    return f"亮点{_NUMERALS[position - 1] if 1 <= position <= len(_NUMERALS) else position}"


def r2_report_limits(batch: Batch, report: ExperienceReport, category: Category) -> list[Finding]:
    """R2: one block finding per breach of the outline's limits (the batch's ``report_limits``)."""
    if not report.checkable:
        return [
            cite(
                batch,
                "R2",
                Effect.WARN,
                "上传的典型经验报告为 Word 97-2003 或 WPS 格式，本系统无法转换（未安装 LibreOffice），"
                "篇幅和结构要求未能核查：请上传 .docx 版本，或由推荐单位人工核对",
                checked=False,
            )
        ]
    limits = batch.report_limits
    intro = "园区简介" if category is Category.PARK else "企业简介"
    findings = [
        *_required(batch, "示范启示", report.inspiration),
        *_at_most(batch, "示范启示", report.inspiration, limits.inspiration_max),
        *_required(batch, "标题", report.title),
        *_required(batch, intro, report.introduction),
        *_at_most(batch, intro, report.introduction, limits.introduction_max[category.value]),
        *_required(batch, "创建做法", report.practices),
    ]
    if len(report.highlights) != limits.highlight_count:
        findings.append(
            _breach(
                batch,
                "工作亮点",
                f"{limits.highlight_count}个",
                len(report.highlights),
                f"“工作亮点”应为{limits.highlight_count}个，实际{len(report.highlights)}个",
            )
        )
    for position, (title, body, pictures) in enumerate(report.highlights, start=1):
        name = highlight_name(position)
        findings += _between(batch, f"{name}标题", title, limits.highlight_title)
        findings += _between(batch, f"{name}正文", body, limits.highlight_body)
        if pictures < limits.highlight_min_pictures:
            findings.append(
                _breach(
                    batch,
                    f"{name}图片",
                    f"≥{limits.highlight_min_pictures}张",
                    pictures,
                    f"“{name}”应附图片至少{limits.highlight_min_pictures}张，实际{pictures}张",
                )
            )
    findings += _required(batch, "下一步发展措施", report.next_steps)
    return findings
