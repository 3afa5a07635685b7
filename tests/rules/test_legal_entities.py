"""二（四）"同一法人的评价机构": V1–V3 judge an evaluator's legal entity together with its branches."""

from __future__ import annotations

import datetime as dt

from greenlist.rules.batch import load_batch
from greenlist.rules.evaluators import counts_toward_cap, legal_entities, v3_allocate_cap
from greenlist.rules.facts import Application, BlacklistEntry, Diagnosis, Evaluator
from greenlist.rules.screening import screen
from greenlist.rules.uscc import make_uscc
from greenlist.rules.vocabulary import Category, Effect, Method

BATCH = load_batch("hebei", "2024")
SH = dt.timezone(dt.timedelta(hours=8))
ENTITY = make_uscc("91130100MA0E10001")
BRANCH = make_uscc("91130200MA0E10002")
OTHER = make_uscc("91130100MA0E10003")
IN_WINDOW = dt.date(2023, 3, 1)


def at(minute: int) -> dt.datetime:
    return dt.datetime(2024, 7, 1, 9, 0, tzinfo=SH) + dt.timedelta(minutes=minute)


def entity(**fields) -> Evaluator:
    return Evaluator(ENTITY, "河北某某评价有限公司", **fields)


def branch(**fields) -> Evaluator:
    return Evaluator(BRANCH, "河北某某评价有限公司唐山分公司", legal_entity_uscc=ENTITY, **fields)


def diagnosis(by: str) -> Diagnosis:
    return Diagnosis(by, make_uscc("91130200MA0F00001"), IN_WINDOW, "河北省")


def project(number: int, evaluator: str, unit: str, submitted: dt.datetime | None) -> Application:
    return Application(
        uscc=make_uscc(f"91130100MA0P{number:05d}"),
        name=f"申报企业{number}",
        category=Category.FACTORY,
        unit=unit,
        method=Method.THIRD_PARTY,
        evaluator_uscc=evaluator,
        submitted_at=submitted,
        no_result_promise=True,
        key=str(number),
    )


def entity_and_branch_projects() -> list[Application]:
    """The legal entity's 9 projects for 石家庄市 and its branch's 7 for 唐山市, interleaved in time;
    project 12 (the branch's) is the 16th submitted."""
    projects = [project(n, ENTITY, "石家庄市", at(n)) for n in range(1, 10)]
    projects += [project(n, BRANCH, "唐山市", at(100 if n == 12 else n)) for n in range(10, 17)]
    return projects


def evaluators() -> dict[str, Evaluator]:
    found = [entity(diagnoses=(diagnosis(ENTITY),)), branch()]
    return {e.uscc: e for e in found}


def test_a_legal_entity_with_nine_projects_and_its_branch_with_seven_refuses_the_sixteenth() -> None:
    projects = entity_and_branch_projects()
    allocation = v3_allocate_cap(BATCH, projects, evaluators())
    assert allocation.projects == {ENTITY: 16}
    assert [projects[i].key for i in allocation.beyond] == ["12"]
    [finding] = allocation.beyond.values()
    assert (finding.rule, finding.effect) == ("V3", Effect.EXCLUDE)
    assert finding.evidence["legal_entity_uscc"] == ENTITY
    assert finding.evidence["evaluator_uscc"] == BRANCH
    assert finding.evidence["units"] == ["石家庄市", "唐山市"]
    assert "第16项" in finding.message
    assert BRANCH in finding.message


def test_without_the_legal_entity_link_the_branch_would_be_a_separate_cap() -> None:
    # What the link changes: the same projects, the branch registered as its own legal entity.
    alone = {ENTITY: entity(), BRANCH: Evaluator(BRANCH, "河北某某评价有限公司唐山分公司")}
    allocation = v3_allocate_cap(BATCH, entity_and_branch_projects(), alone)
    assert allocation.projects == {ENTITY: 9, BRANCH: 7}
    assert allocation.beyond == {}


def test_drafts_are_not_counted_until_submitted_and_refused_once_the_cap_is_full() -> None:
    # 14 submitted and 2 drafts: either draft may still take the 15th place, so neither is refused.
    projects = [project(n, ENTITY, "石家庄市", at(n)) for n in range(1, 15)]
    projects += [project(n, BRANCH, "唐山市", None) for n in (15, 16)]
    allocation = v3_allocate_cap(BATCH, projects, evaluators())
    assert allocation.projects == {ENTITY: 16}  # the load shown counts drafts; the cap does not
    assert allocation.beyond == {}
    assert [counts_toward_cap(p) for p in projects[-3:]] == [True, False, False]
    # One more submission fills the cap: both drafts now could only be the 16th.
    projects.append(project(17, BRANCH, "唐山市", at(50)))
    allocation = v3_allocate_cap(BATCH, projects, evaluators())
    assert sorted(projects[i].key for i in allocation.beyond) == ["15", "16"]


def test_a_branchs_diagnosis_counts_for_its_legal_entity_and_every_branch() -> None:
    found = [entity(), branch(diagnoses=(diagnosis(BRANCH),))]
    merged = legal_entities(found)
    assert list(merged) == [ENTITY]
    assert merged[ENTITY].name == "河北某某评价有限公司"
    result = screen(BATCH, [], {}, [], found, {}, [], at(0))
    assert [(e.evaluator.uscc, e.accepted) for e in result.evaluators] == [(ENTITY, True), (BRANCH, True)]


def test_a_blacklisted_branch_takes_its_legal_entity_and_other_branches_with_it() -> None:
    found = [
        entity(diagnoses=(diagnosis(ENTITY),)),
        branch(blacklist=(BlacklistEntry(BRANCH, dt.date(2023, 5, 1), "弄虚作假"),)),
        Evaluator(OTHER, "其他评价机构", diagnoses=(diagnosis(OTHER),)),
    ]
    projects = [project(1, ENTITY, "石家庄市", at(1)), project(2, OTHER, "唐山市", at(2))]
    result = screen(BATCH, projects, {}, [], found, {}, [], at(0))
    assert [(e.evaluator.uscc, e.accepted) for e in result.evaluators] == [
        (ENTITY, False),
        (BRANCH, False),
        (OTHER, True),
    ]
    by_key = result.by_key()
    assert [f.rule for f in by_key["1"].findings if f.excludes and f.rule.startswith("V")] == ["V2"]
    assert [f.rule for f in by_key["2"].findings if f.excludes and f.rule.startswith("V")] == []


def test_the_screen_contract_lists_the_legal_entitys_projects_on_each_member() -> None:
    result = screen(BATCH, entity_and_branch_projects(), {}, [], list(evaluators().values()), {}, [], at(0))
    rows = {e["uscc"]: e for e in result.to_contract()["evaluators"]}
    assert (rows[ENTITY]["projects"], rows[BRANCH]["projects"]) == (16, 16)
    assert set(rows[ENTITY]) == {"uscc", "name", "projects", "cap", "accepted", "reasons"}
