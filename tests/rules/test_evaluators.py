"""V1–V4 (二、具体要求（四）第三方评价机构): diagnosis, blacklist, the per-batch cap, the declaration."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.evaluators import (
    diagnosis_match,
    evaluator_findings,
    evaluator_reasons,
    v3_allocate_cap,
    v4_no_result_promise,
)
from greenlist.rules.facts import Application, BlacklistEntry, Diagnosis, Evaluator
from greenlist.rules.uscc import make_uscc
from greenlist.rules.vocabulary import Category, Effect, Method

BATCH = load_batch("hebei", "2024")
SH = dt.timezone(dt.timedelta(hours=8))
EVALUATOR = make_uscc("91130100MA0E00001")


HEBEI_CLIENT = make_uscc("91130200MA0F00001")
BEIJING_CLIENT = make_uscc("91110108MA0F00002")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def diagnosis(day: str, province: str = "河北省") -> Diagnosis:
    return Diagnosis(EVALUATOR, make_uscc("91130200MA0F00001"), d(day), province)


def evaluator(
    diagnoses: tuple[Diagnosis, ...] = (diagnosis("2023-03-01"),),
    blacklist: tuple[BlacklistEntry, ...] = (),
) -> Evaluator:
    return Evaluator(EVALUATOR, "河北某某节能评价中心有限公司", diagnoses, blacklist)


def project(
    number: int,
    unit: str = "石家庄市",
    submitted: dt.datetime | None = None,
    evaluator_uscc: str = EVALUATOR,
    method: Method = Method.THIRD_PARTY,
    category: Category = Category.FACTORY,
) -> Application:
    return Application(
        uscc=make_uscc(f"91130100MA0P{number:05d}"),
        name=f"申报企业{number}",
        category=category,
        unit=unit,
        method=method,
        evaluator_uscc=evaluator_uscc,
        submitted_at=submitted,
        no_result_promise=True,
        key=str(number),
    )


@pytest.mark.parametrize(
    ("province", "client", "expected", "how"),
    [
        pytest.param("河北", HEBEI_CLIENT, [], "province_name", id="short-name-河北"),
        pytest.param("河北省", HEBEI_CLIENT, [], "province_name", id="full-name-河北省"),
        pytest.param(" 河北 省 ", HEBEI_CLIENT, [], "province_name", id="spaces-folded"),
        pytest.param("河北", BEIJING_CLIENT, [], "province_name", id="moved-in-firm-keeps-its-beijing-code"),
        pytest.param("", HEBEI_CLIENT, [], "uscc_area", id="no-province-hebei-uscc"),
        pytest.param("", BEIJING_CLIENT, ["V1"], "", id="no-province-beijing-uscc"),
        pytest.param("山东", HEBEI_CLIENT, ["V1"], "", id="moved-out-firm-written-山东"),
        pytest.param("河南省", HEBEI_CLIENT, ["V1"], "", id="河南-is-not-河北"),
    ],
)
def test_v1_matches_the_province_by_name_or_uscc_area(
    province: str, client: str, expected: list[str], how: str
) -> None:
    given = Diagnosis(EVALUATOR, client, d("2023-03-01"), province)
    assert diagnosis_match(BATCH, given) == how
    assert [f.rule for f in evaluator_reasons(BATCH, evaluator(diagnoses=(given,)))] == expected


def test_v1_names_the_provinces_it_did_not_accept() -> None:
    given = Diagnosis(EVALUATOR, HEBEI_CLIENT, d("2023-03-01"), "山东省")
    [finding] = evaluator_reasons(BATCH, evaluator(diagnoses=(given,)))
    assert "山东省" in finding.message
    assert finding.evidence["provinces_in_window"] == ["山东省"]


@pytest.mark.parametrize(
    ("diagnoses", "expected"),
    [
        pytest.param((diagnosis("2023-03-01"),), [], id="diagnosis-in-window"),
        pytest.param((diagnosis("2021-07-19"),), [], id="diagnosis-on-window-start"),
        pytest.param((diagnosis("2024-07-19"),), [], id="diagnosis-on-reference-date"),
        pytest.param((diagnosis("2021-07-18"),), ["V1"], id="diagnosis-day-before-window"),
        pytest.param((diagnosis("2024-07-20"),), ["V1"], id="diagnosis-after-reference-date"),
        pytest.param((diagnosis("2023-03-01", "山东省"),), ["V1"], id="diagnosis-outside-the-province"),
        pytest.param((), ["V1"], id="no-diagnosis"),
        pytest.param((diagnosis("2019-01-01"), diagnosis("2022-01-01")), [], id="one-of-two-counts"),
    ],
)
def test_v1_free_energy_diagnosis(diagnoses: tuple[Diagnosis, ...], expected: list[str]) -> None:
    findings = evaluator_reasons(BATCH, evaluator(diagnoses=diagnoses))
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.EXCLUDE and "免费节能诊断" in f.message for f in findings)


@pytest.mark.parametrize(
    ("listed_on", "expected"),
    [
        pytest.param("2023-10-01", ["V2"], id="blacklisted-in-window"),
        pytest.param("2021-07-19", ["V2"], id="blacklisted-three-years-before-reference"),
        pytest.param("2021-07-18", [], id="blacklisting-expired"),
        pytest.param("2024-07-19", ["V2"], id="blacklisted-on-reference-date"),
        pytest.param("2024-07-20", [], id="blacklisted-after-reference-date-not-yet-in-force"),
    ],
)
def test_v2_blacklist(listed_on: str, expected: list[str]) -> None:
    findings = evaluator_reasons(
        BATCH, evaluator(blacklist=(BlacklistEntry(EVALUATOR, d(listed_on), "弄虚作假"),))
    )
    assert [f.rule for f in findings] == expected
    assert all(listed_on in f.message and "弄虚作假" in f.message for f in findings)


def test_v1_and_v2_exclude_every_application_of_the_evaluator() -> None:
    bad = evaluator(diagnoses=(), blacklist=(BlacklistEntry(EVALUATOR, d("2023-01-01"), "故意隐瞒"),))
    findings = evaluator_findings(BATCH, project(1), {EVALUATOR: bad})
    assert [(f.rule, f.effect) for f in findings] == [("V1", Effect.EXCLUDE), ("V2", Effect.EXCLUDE)]
    assert all("河北某某节能评价中心有限公司" in f.message for f in findings)


@pytest.mark.parametrize(
    ("application", "expected", "fragment"),
    [
        pytest.param(project(1), [], "", id="registered-good-evaluator"),
        pytest.param(project(1, evaluator_uscc=""), ["V1"], "未填写第三方评价机构", id="evaluator-not-named"),
        pytest.param(
            project(1, evaluator_uscc=make_uscc("91130100MA0E99999")), ["V1"], "未登记", id="unknown"
        ),
        pytest.param(project(1, evaluator_uscc="", method=Method.SELF), [], "", id="self-evaluation"),
    ],
)
def test_evaluator_findings_on_an_application(
    application: Application, expected: list[str], fragment: str
) -> None:
    findings = evaluator_findings(BATCH, application, {EVALUATOR: evaluator()})
    assert [f.rule for f in findings] == expected
    if fragment:
        assert fragment in findings[0].message


def at(minute: int) -> dt.datetime:
    return dt.datetime(2024, 7, 1, 9, 0, tzinfo=SH) + dt.timedelta(minutes=minute)


def refused(applications: list[Application]) -> list[str]:
    allocation = v3_allocate_cap(BATCH, applications, {EVALUATOR: evaluator()})
    return [applications[i].key for i in sorted(allocation.beyond)]


def test_v3_fifteen_projects_over_two_units_are_within_the_cap() -> None:
    projects = [project(n, "石家庄市" if n % 2 else "唐山市", at(n)) for n in range(1, 16)]
    allocation = v3_allocate_cap(BATCH, projects)
    assert allocation.projects == {EVALUATOR: 15}
    assert allocation.beyond == {}


def test_v3_the_sixteenth_by_submission_time_is_refused() -> None:
    # listed out of order: project 3 was submitted last
    projects = [project(n, "石家庄市" if n % 2 else "唐山市", at(100 if n == 3 else n)) for n in range(1, 17)]
    allocation = v3_allocate_cap(BATCH, projects, {EVALUATOR: evaluator()})
    assert allocation.projects == {EVALUATOR: 16}
    assert [projects[i].key for i in allocation.beyond] == ["3"]
    [finding] = allocation.beyond.values()
    assert (finding.rule, finding.effect) == ("V3", Effect.EXCLUDE)
    assert "第16项" in finding.message
    assert "不得超过15项" in finding.message
    assert "共16项" in finding.message
    assert "石家庄市" in finding.message
    assert "唐山市" in finding.message
    assert finding.evidence["units"] == ["石家庄市", "唐山市"]


def test_v3_counts_all_categories_together() -> None:
    categories = [Category.FACTORY, Category.PARK, Category.SUPPLY_CHAIN]
    projects = [project(n, submitted=at(n), category=categories[n % 3]) for n in range(1, 18)]
    assert refused(projects) == ["16", "17"]


def test_v3_ties_in_submission_time_go_by_uscc() -> None:
    projects = [project(n, submitted=at(0)) for n in range(16, 0, -1)]
    last = max(projects, key=lambda a: a.uscc)
    assert refused(projects) == [last.key]


def test_v3_unsubmitted_projects_come_after_submitted_ones() -> None:
    projects = [project(1, submitted=None)] + [project(n, submitted=at(n)) for n in range(2, 17)]
    assert refused(projects) == ["1"]


def test_v3_self_evaluations_and_other_evaluators_do_not_count() -> None:
    other = make_uscc("91130100MA0E00002")
    projects = [project(n, submitted=at(n)) for n in range(1, 16)]
    projects += [
        project(16, method=Method.SELF, submitted=at(16)),
        project(17, evaluator_uscc=other, submitted=at(17)),
    ]
    allocation = v3_allocate_cap(BATCH, projects)
    assert allocation.projects == {EVALUATOR: 15, other: 1}
    assert allocation.beyond == {}


def test_v3_cap_comes_from_the_batch() -> None:
    projects = [project(n, submitted=at(n)) for n in range(1, 6)]
    assert v3_allocate_cap(BATCH, projects).beyond == {}
    capped = v3_allocate_cap(dataclasses.replace(BATCH, evaluator_cap=3), projects)
    assert sorted(projects[i].key for i in capped.beyond) == ["4", "5"]


@pytest.mark.parametrize(
    ("method", "promise", "expected"),
    [
        pytest.param(Method.THIRD_PARTY, False, ["V4"], id="third-party-without-declaration"),
        pytest.param(Method.THIRD_PARTY, True, [], id="third-party-with-declaration"),
        pytest.param(Method.SELF, False, [], id="self-evaluation-needs-none"),
    ],
)
def test_v4_no_result_promise(method: Method, promise: bool, expected: list[str]) -> None:
    application = dataclasses.replace(project(1, method=method), no_result_promise=promise)
    findings = v4_no_result_promise(BATCH, application)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.EXCLUDE and "无结果承诺声明" in f.message for f in findings)


def test_v3_counts_only_engagements_the_evaluator_accepted() -> None:
    at = dt.datetime(2024, 7, 1, 9, 0, tzinfo=SH)
    accepted = [project(n, submitted=at + dt.timedelta(minutes=n)) for n in range(BATCH.evaluator_cap)]
    waiting = dataclasses.replace(
        project(99, submitted=at + dt.timedelta(hours=2)), engagement_accepted=False
    )
    allocation = v3_allocate_cap(BATCH, [*accepted, waiting])
    # A request not (yet) accepted is none of the evaluator's projects: it neither counts nor is
    # refused as the sixteenth (the evaluator is refused when it tries to accept it).
    assert allocation.projects == {EVALUATOR: BATCH.evaluator_cap}
    assert allocation.beyond == {}
