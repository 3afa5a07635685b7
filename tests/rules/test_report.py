"""R1–R2 (四、其他要求; 附件2): the typical experience report and its limits."""

from __future__ import annotations

import dataclasses

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.facts import Application
from greenlist.rules.findings import Finding
from greenlist.rules.report import (
    ExperienceReport,
    Highlight,
    count_chars,
    r1_report_provided,
    r2_report_limits,
)
from greenlist.rules.vocabulary import Category, Effect, Method

BATCH = load_batch("hebei", "2024")


def text(chars: int) -> str:
    """``chars`` counted characters, padded with whitespace that must not count."""
    body = ("绿色低碳，节能。" * (chars // 8 + 1))[:chars]
    return "  " + "\n".join(body[i : i + 30] for i in range(0, len(body), 30)) + " \u3000\n"


def highlight(title: int = 8, body: int = 300, pictures: int = 2) -> Highlight:
    return Highlight(text(title), text(body), pictures)


def report(**kw: object) -> ExperienceReport:
    good = ExperienceReport(
        inspiration=text(40),
        title="以数字化推动全流程绿色升级",
        introduction=text(180),
        practices=text(800),
        highlights=(highlight(), highlight(), highlight()),
        next_steps=text(300),
    )
    return dataclasses.replace(good, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("绿色，低碳。", 6, id="chinese-punctuation-counts"),
        pytest.param("  绿色 低碳\n", 4, id="spaces-and-line-breaks-do-not-count"),
        pytest.param("\u3000\u3000绿色\t低碳\u3000", 4, id="full-width-spaces-do-not-count"),
        pytest.param("GB/T 36132", 9, id="ascii-letters-and-slash-count"),
        pytest.param("", 0, id="empty"),
    ],
)
def test_count_chars(raw: str, expected: int) -> None:
    assert count_chars(raw) == expected


def test_text_helper_counts_exactly() -> None:
    assert [count_chars(text(n)) for n in (5, 50, 51, 200, 401)] == [5, 50, 51, 200, 401]


def sections(findings: list[Finding]) -> list[str]:
    return [f.evidence["section"] for f in findings]


@pytest.mark.parametrize(
    ("changes", "category", "expected"),
    [
        pytest.param({}, Category.FACTORY, [], id="good-report"),
        pytest.param({"inspiration": text(50)}, Category.FACTORY, [], id="inspiration-50"),
        pytest.param({"inspiration": text(51)}, Category.FACTORY, ["示范启示"], id="inspiration-51"),
        pytest.param({"inspiration": " \n"}, Category.FACTORY, ["示范启示"], id="inspiration-missing"),
        pytest.param({"title": ""}, Category.FACTORY, ["标题"], id="title-missing"),
        pytest.param({"introduction": text(200)}, Category.FACTORY, [], id="factory-introduction-200"),
        pytest.param(
            {"introduction": text(201)}, Category.FACTORY, ["企业简介"], id="factory-introduction-201"
        ),
        pytest.param(
            {"introduction": text(201)}, Category.SUPPLY_CHAIN, ["企业简介"], id="supply-chain-intro-201"
        ),
        pytest.param({"introduction": text(500)}, Category.PARK, [], id="park-introduction-500"),
        pytest.param({"introduction": text(501)}, Category.PARK, ["园区简介"], id="park-introduction-501"),
        pytest.param({"practices": "\n\u3000"}, Category.FACTORY, ["创建做法"], id="practices-blank"),
        pytest.param({"next_steps": ""}, Category.FACTORY, ["下一步发展措施"], id="next-steps-missing"),
        pytest.param(
            {"highlights": (highlight(), highlight())}, Category.FACTORY, ["工作亮点"], id="two-highlights"
        ),
        pytest.param(
            {"highlights": (highlight(),) * 4}, Category.FACTORY, ["工作亮点"], id="four-highlights"
        ),
        pytest.param(
            {"highlights": (highlight(title=4), highlight(title=5), highlight(title=10))},
            Category.FACTORY,
            ["亮点一标题"],
            id="title-4-5-10",
        ),
        pytest.param(
            {"highlights": (highlight(), highlight(), highlight(title=11))},
            Category.FACTORY,
            ["亮点三标题"],
            id="title-11",
        ),
        pytest.param(
            {"highlights": (highlight(body=199), highlight(body=200), highlight(body=400))},
            Category.FACTORY,
            ["亮点一正文"],
            id="body-199-200-400",
        ),
        pytest.param(
            {"highlights": (highlight(), highlight(body=401), highlight(pictures=1))},
            Category.FACTORY,
            ["亮点二正文"],
            id="body-401-and-one-picture",
        ),
        pytest.param(
            {"highlights": (highlight(), highlight(pictures=0), highlight())},
            Category.FACTORY,
            ["亮点二图片"],
            id="no-picture",
        ),
        pytest.param(
            {
                "inspiration": text(60),
                "practices": "",
                "highlights": (highlight(title=3, body=100, pictures=0),),
            },
            Category.FACTORY,
            ["示范启示", "创建做法", "工作亮点", "亮点一标题", "亮点一正文", "亮点一图片"],
            id="every-breach-is-listed",
        ),
    ],
)
def test_r2_report_limits(changes: dict[str, object], category: Category, expected: list[str]) -> None:
    findings = r2_report_limits(BATCH, report(**changes), category)
    assert sections(findings) == expected
    assert all(f.rule == "R2" and f.effect is Effect.BLOCK for f in findings)


def test_r2_evidence_names_section_limit_and_actual_count() -> None:
    [finding] = r2_report_limits(BATCH, report(inspiration=text(57)), Category.FACTORY)
    assert finding.evidence == {"section": "示范启示", "limit": "≤50字", "actual": 57}
    assert "实际57字" in finding.message
    assert "标点计入" in finding.message


def test_r2_highlight_body_message_names_the_range() -> None:
    bad = (highlight(), highlight(), highlight(body=150))
    [finding] = r2_report_limits(BATCH, report(highlights=bad), Category.FACTORY)
    assert finding.evidence == {"section": "亮点三正文", "limit": "200–400字", "actual": 150}
    assert "应为200–400字，实际150字" in finding.message


def test_r2_highlights_may_be_plain_tuples() -> None:
    plain = [(text(6), text(250), 1), (text(7), text(260), 2), (text(11), text(270), 3)]
    assert sections(r2_report_limits(BATCH, report(highlights=plain), Category.PARK)) == ["亮点三标题"]


def test_r2_limits_come_from_the_batch() -> None:
    tighter = dataclasses.replace(BATCH.report_limits, inspiration_max=30, highlight_count=2)
    batch = dataclasses.replace(BATCH, report_limits=tighter)
    assert sections(r2_report_limits(batch, report(), Category.FACTORY)) == ["示范启示", "工作亮点"]


def applicant(category: Category, has_report: bool) -> Application:
    return Application(
        uscc="91130100MA0D12345B",
        name="河北某某钢铁有限公司",
        category=category,
        unit="石家庄市",
        method=Method.SELF,
        has_experience_report=has_report,
    )


@pytest.mark.parametrize(
    ("category", "has_report", "expected"),
    [
        pytest.param(Category.FACTORY, False, ["R1"], id="factory-without-report"),
        pytest.param(Category.PARK, False, ["R1"], id="park-without-report"),
        pytest.param(Category.SUPPLY_CHAIN, False, [], id="supply-chain-needs-none"),
        pytest.param(Category.FACTORY, True, [], id="factory-with-report"),
        pytest.param(Category.PARK, True, [], id="park-with-report"),
    ],
)
def test_r1_report_provided(category: Category, has_report: bool, expected: list[str]) -> None:
    findings = r1_report_provided(BATCH, applicant(category, has_report))
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.BLOCK and "典型经验报告" in f.message for f in findings)
