"""V1–V4: third-party evaluators (二、具体要求（四）第三方评价机构).

V1 and V2 judge the evaluator itself (its ``accepted`` flag and ``reasons`` in the screening
contract) and, through :func:`evaluator_findings`, exclude every application it evaluated. V3
refuses only the projects beyond the cap, counted over the whole batch. V4 looks at the
application's no-result-promise declaration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from greenlist.rules.batch import Batch, add_years
from greenlist.rules.facts import Application, Diagnosis, Evaluator
from greenlist.rules.findings import Finding, cite
from greenlist.rules.regions import same_province, uscc_province_code
from greenlist.rules.vocabulary import Effect, Method


def diagnosis_window(batch: Batch) -> tuple[dt.date, dt.date]:
    """Days (inclusive) in which a free energy-saving diagnosis counts for V1."""
    return add_years(batch.reference_date, -batch.diagnosis_years), batch.reference_date


def blacklist_window(batch: Batch) -> tuple[dt.date, dt.date]:
    """Days (inclusive) in which a blacklisting is in force for V2; later listings are not yet in force."""
    return add_years(batch.reference_date, -batch.blacklist_years), batch.reference_date


def diagnosis_match(batch: Batch, diagnosis: Diagnosis) -> str:
    """How a diagnosis counts as given to an in-province enterprise (V1), or "" when it does not.

    The client's province as written decides, after folding "河北"/"河北省", widths and spaces: it
    says where the firm is now, and a firm that moved keeps the uscc issued where it was. Only
    where no province is written does the province code of the client's uscc decide.
    """
    if diagnosis.client_province.strip():
        return "province_name" if same_province(diagnosis.client_province, batch.province_name) else ""
    code = uscc_province_code(diagnosis.client_uscc)
    if batch.province_region and code == batch.province_region:
        return "uscc_area"
    return ""


MATCH_LABELS = {"province_name": "按服务企业所在省", "uscc_area": "按服务企业统一社会信用代码的登记地"}


def v1_diagnosis(batch: Batch, evaluator: Evaluator) -> list[Finding]:
    """V1: the evaluator (for a legal entity: any of its branches too, see :func:`legal_entities`)
    gave an in-province industrial enterprise a free diagnosis in the window."""
    first, last = diagnosis_window(batch)
    in_window = [d for d in evaluator.diagnoses if first <= d.day <= last]
    if any(diagnosis_match(batch, d) for d in in_window):
        return []
    elsewhere = sorted({d.client_province or "未填写" for d in in_window})
    detail = (
        f"；期限内的诊断服务企业所在省为{'、'.join(elsewhere)}，不属于{batch.province_name}"
        if elsewhere
        else ""
    )
    return [
        cite(
            batch,
            "V1",
            Effect.EXCLUDE,
            f"近{batch.diagnosis_years}年（{first.isoformat()}至{last.isoformat()}）无为{batch.province_name}"
            f"工业企业开展免费节能诊断的记录（已登记诊断{len(evaluator.diagnoses)}次，均不在期限内或不在省内"
            f"{detail}）",
            window=[first.isoformat(), last.isoformat()],
            diagnoses_recorded=len(evaluator.diagnoses),
            provinces_in_window=elsewhere,
        )
    ]


def v2_blacklist(batch: Batch, evaluator: Evaluator) -> list[Finding]:
    """V2: one finding per blacklisting in force (listed within ``blacklist_years`` up to the reference date)."""
    first, last = blacklist_window(batch)
    return [
        cite(
            batch,
            "V2",
            Effect.EXCLUDE,
            f"{entry.listed_on.isoformat()}因“{entry.reason or '未注明原因'}”被列入评价机构黑名单，"
            f"{batch.blacklist_years}年内（至{add_years(entry.listed_on, batch.blacklist_years).isoformat()}）"
            "不予采信其评价结果",
            listed_on=entry.listed_on.isoformat(),
            reason=entry.reason,
        )
        for entry in evaluator.blacklist
        if first <= entry.listed_on <= last
    ]


def evaluator_reasons(batch: Batch, evaluator: Evaluator) -> list[Finding]:
    """V1 and V2 on the evaluator itself: empty means its reports can be accepted. Pass the legal
    entity from :func:`legal_entities` to judge a branch as its legal entity."""
    return [*v1_diagnosis(batch, evaluator), *v2_blacklist(batch, evaluator)]


def legal_entities(evaluators: Iterable[Evaluator]) -> dict[str, Evaluator]:
    """Each legal entity with all its branches folded in, keyed by the legal entity's uscc.

    二（四）"同一法人的评价机构": a branch (分公司) has its own uscc but is the same 法人, so V1–V3
    judge the legal entity: a diagnosis by any branch counts for all, a blacklisting of any
    branch falls on all, and the cap counts all their projects together. The entity keeps its own
    name when it is registered, else the first branch's name.
    """
    members: dict[str, list[Evaluator]] = defaultdict(list)
    for evaluator in evaluators:
        members[evaluator.entity_uscc].append(evaluator)
    merged = {}
    for code, group in members.items():
        head = next((e for e in group if e.uscc == code), group[0])
        merged[code] = Evaluator(
            uscc=code,
            name=head.name,
            diagnoses=tuple(d for e in group for d in e.diagnoses),
            blacklist=tuple(b for e in group for b in e.blacklist),
        )
    return merged


def evaluator_findings(
    batch: Batch,
    application: Application,
    evaluators: Mapping[str, Evaluator],
    reasons: Mapping[str, Sequence[Finding]] | None = None,
) -> list[Finding]:
    """V1/V2 as they fall on one third-party application.

    ``evaluators`` is keyed by uscc; ``reasons`` (evaluator uscc → :func:`evaluator_reasons`) may be
    passed precomputed. An empty or unregistered evaluator uscc is a V1 exclusion: no diagnosis
    record can be checked.
    """
    if application.method is not Method.THIRD_PARTY:
        return []
    code = application.evaluator_uscc
    if not code:
        return [cite(batch, "V1", Effect.EXCLUDE, "采用第三方评价，但未填写第三方评价机构统一社会信用代码")]
    evaluator = evaluators.get(code)
    if evaluator is None:
        return [
            cite(
                batch,
                "V1",
                Effect.EXCLUDE,
                f"第三方评价机构（{code}）未登记，无法核实其免费节能诊断记录，评价结果不予采信",
                evaluator_uscc=code,
            )
        ]
    own = reasons[code] if reasons is not None and code in reasons else evaluator_reasons(batch, evaluator)
    return [
        cite(
            batch,
            reason.rule,
            Effect.EXCLUDE,
            f"第三方评价机构{evaluator.name}（{code}）的评价结果不予采信：{reason.message}",
            evaluator_uscc=code,
            **reason.evidence,
        )
        for reason in own
    ]


@dataclass(frozen=True)
class CapAllocation:
    """V3 over a whole batch: project counts per legal entity and the refused projects."""

    projects: dict[str, int] = field(default_factory=dict)  # legal entity uscc → projects, drafts included
    beyond: dict[int, Finding] = field(default_factory=dict)  # index in the applications → V3 finding


def counts_toward_cap(application: Application) -> bool:
    """The V3 counted set, defined once for screening, the write-time guard and the import
    (docs/rules.md, V3): a third-party project of the batch that has been submitted. A draft is
    not yet one of the entity's projects; it is refused only when the submitted ones already
    fill the cap (submitting it would make it the cap+1-th)."""
    return (
        application.method is Method.THIRD_PARTY
        and bool(application.evaluator_uscc)
        and application.submitted_at is not None
        and application.engagement_accepted
    )


def _submission_order(item: tuple[int, Application]) -> tuple[Any, ...]:
    index, app = item
    return (app.submitted_at, app.uscc, app.key, index)


def _who(entity: Evaluator | None, code: str) -> str:
    return f"{entity.name}（{code}）" if entity else f"（{code}）"


def v3_next_project(batch: Batch, who: str, taken: int) -> list[Finding]:
    """V3 for one more project of a legal entity that already has ``taken`` counted projects."""
    cap = batch.evaluator_cap
    if taken < cap:
        return []
    return [
        cite(
            batch,
            "V3",
            Effect.EXCLUDE,
            f"第三方评价机构{who}所属法人（含分支机构）本批次已有{taken}项已提交的评价项目，"
            f"同一法人总计不得超过{cap}项，已满额",
            projects=taken,
            cap=cap,
        )
    ]


def v3_allocate_cap(
    batch: Batch, applications: Sequence[Application], evaluators: Mapping[str, Evaluator] | None = None
) -> CapAllocation:
    """V3: each legal entity's submitted third-party projects of the batch (its branches' too, all
    categories and units together) in submission order, ties by uscc; those after the first
    ``evaluator_cap`` are refused, and so is every draft of an entity whose cap is already full.
    ``evaluators`` (by uscc) says which legal entity a branch belongs to; an evaluator missing
    from it is its own legal entity. Pass every application of the batch, not one unit's."""
    known = evaluators or {}
    entities = legal_entities(known.values())

    def entity_of(code: str) -> str:
        return known[code].entity_uscc if code in known else code

    submitted: dict[str, list[tuple[int, Application]]] = defaultdict(list)
    drafts: dict[str, list[tuple[int, Application]]] = defaultdict(list)
    for index, app in enumerate(applications):
        if app.method is not Method.THIRD_PARTY or not app.evaluator_uscc:
            continue
        if not app.engagement_accepted:
            continue  # a request the evaluator has not accepted is none of its projects yet
        group = submitted if counts_toward_cap(app) else drafts
        group[entity_of(app.evaluator_uscc)].append((index, app))
    cap = batch.evaluator_cap
    allocation = CapAllocation()
    for code in dict.fromkeys([*submitted, *drafts]):
        projects = sorted(submitted[code], key=_submission_order)
        # The load shown (screen JSON "projects", evaluator pages): every project naming the
        # entity, drafts included; the cap itself counts the submitted ones.
        allocation.projects[code] = len(projects) + len(drafts[code])
        if len(projects) < cap:
            continue
        units = list(dict.fromkeys(app.unit for _, app in projects))
        branches = sorted({app.evaluator_uscc for _, app in projects} - {code})
        via = f"，其中经分支机构{'、'.join(branches)}" if branches else ""
        who = _who(entities.get(code), code)
        for position, (index, app) in enumerate(projects[cap:], start=cap + 1):
            allocation.beyond[index] = cite(
                batch,
                "V3",
                Effect.EXCLUDE,
                f"第三方评价机构{who}本批次已提交评价项目共{len(projects)}项（涉及{'、'.join(units)}{via}），"
                f"同一法人总计不得超过{cap}项；本项目按提交时间排第{position}项，超出上限不予受理",
                evaluator_uscc=app.evaluator_uscc,
                legal_entity_uscc=code,
                branches=branches,
                position=position,
                cap=cap,
                projects=len(projects),
                units=units,
                submitted_at=app.submitted_at.isoformat() if app.submitted_at else None,
            )
        for index, app in drafts[code]:
            [finding] = v3_next_project(batch, who, len(projects))
            allocation.beyond[index] = dataclasses.replace(
                finding,
                message=f"{finding.message}；本项目尚未提交，提交即超出上限，不予受理",
                evidence={
                    **finding.evidence,
                    "evaluator_uscc": app.evaluator_uscc,
                    "legal_entity_uscc": code,
                },
            )
    return allocation


def v4_no_result_promise(batch: Batch, application: Application) -> list[Finding]:
    """V4: a third-party application needs the declaration that the contract promises no result and
    links no fee to it."""
    if application.method is not Method.THIRD_PARTY or application.no_result_promise:
        return []
    return [
        cite(
            batch,
            "V4",
            Effect.EXCLUDE,
            "缺少无结果承诺声明（评价合同不得对评价结果作出承诺、不得将评价费用与申报结果挂钩）",
            evaluator_uscc=application.evaluator_uscc,
        )
    ]
