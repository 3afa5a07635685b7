"""V1–V4: third-party evaluators (二、具体要求（四）第三方评价机构).

V1 and V2 judge the evaluator itself (its ``accepted`` flag and ``reasons`` in the screening
contract) and, through :func:`evaluator_findings`, exclude every application it evaluated. V3
refuses only the projects beyond the cap, counted over the whole batch. V4 looks at the
application's no-result-promise declaration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from greenlist.rules.batch import Batch, add_years
from greenlist.rules.facts import Application, Evaluator
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Effect, Method


def diagnosis_window(batch: Batch) -> tuple[dt.date, dt.date]:
    """Days (inclusive) in which a free energy-saving diagnosis counts for V1."""
    return add_years(batch.reference_date, -batch.diagnosis_years), batch.reference_date


def blacklist_window(batch: Batch) -> tuple[dt.date, dt.date]:
    """Days (inclusive) in which a blacklisting is in force for V2; later listings are not yet in force."""
    return add_years(batch.reference_date, -batch.blacklist_years), batch.reference_date


def v1_diagnosis(batch: Batch, evaluator: Evaluator) -> list[Finding]:
    """V1: the evaluator gave an in-province industrial enterprise a free diagnosis in the window."""
    first, last = diagnosis_window(batch)
    qualifying = [
        d for d in evaluator.diagnoses if d.client_province == batch.province_name and first <= d.day <= last
    ]
    if qualifying:
        return []
    return [
        cite(
            batch,
            "V1",
            Effect.EXCLUDE,
            f"近{batch.diagnosis_years}年（{first.isoformat()}至{last.isoformat()}）无为{batch.province_name}"
            f"工业企业开展免费节能诊断的记录（已登记诊断{len(evaluator.diagnoses)}次，均不在期限内或不在省内）",
            window=[first.isoformat(), last.isoformat()],
            diagnoses_recorded=len(evaluator.diagnoses),
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
    """V1 and V2 on the evaluator itself: empty means its reports can be accepted."""
    return [*v1_diagnosis(batch, evaluator), *v2_blacklist(batch, evaluator)]


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
    """V3 over a whole batch: project counts per evaluator and the refused projects."""

    projects: dict[str, int] = field(default_factory=dict)  # evaluator uscc → third-party projects
    beyond: dict[int, Finding] = field(default_factory=dict)  # index in the applications → V3 finding


def _submission_order(item: tuple[int, Application]) -> tuple[Any, ...]:
    index, app = item
    if app.submitted_at is None:  # not yet submitted: after every submitted project
        return (1, app.uscc, app.key, index)
    return (0, app.submitted_at, app.uscc, app.key, index)


def v3_allocate_cap(
    batch: Batch, applications: Sequence[Application], evaluators: Mapping[str, Evaluator] | None = None
) -> CapAllocation:
    """V3: each evaluator's third-party projects of the batch, all categories and units together,
    in submission order (unsubmitted last, then by uscc); those after the first ``evaluator_cap``
    are refused. Pass every application of the batch, not one unit's."""
    by_evaluator: dict[str, list[tuple[int, Application]]] = defaultdict(list)
    for index, app in enumerate(applications):
        if app.method is Method.THIRD_PARTY and app.evaluator_uscc:
            by_evaluator[app.evaluator_uscc].append((index, app))
    cap = batch.evaluator_cap
    allocation = CapAllocation()
    for code, projects in by_evaluator.items():
        allocation.projects[code] = len(projects)
        if len(projects) <= cap:
            continue
        projects.sort(key=_submission_order)
        units = list(dict.fromkeys(app.unit for _, app in projects))
        evaluator = evaluators.get(code) if evaluators else None
        who = f"{evaluator.name}（{code}）" if evaluator else f"（{code}）"
        for position, (index, app) in enumerate(projects[cap:], start=cap + 1):
            allocation.beyond[index] = cite(
                batch,
                "V3",
                Effect.EXCLUDE,
                f"第三方评价机构{who}本批次评价项目共{len(projects)}项（涉及{'、'.join(units)}），"
                f"同一法人总计不得超过{cap}项；本项目按提交时间排第{position}项，超出上限不予受理",
                evaluator_uscc=code,
                position=position,
                cap=cap,
                projects=len(projects),
                units=units,
                submitted_at=app.submitted_at.isoformat() if app.submitted_at else None,
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
