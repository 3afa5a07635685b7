"""The application workflow as data: states, and for each transition who may make it.

Nothing else in the code decides which move is allowed; ``actions.transition`` reads this
table, and the UI offers exactly the transitions it lists for the user's role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回修改"
    CITY_REVIEW = "city_review", "推荐单位审核中"
    CITY_RECOMMENDED = "city_recommended", "推荐单位拟推荐"
    CITY_NOT_RECOMMENDED = "city_not_recommended", "推荐单位不予推荐"
    PROVINCE_RECOMMENDED = "province_recommended", "省厅推荐"
    PROVINCE_NOT_RECOMMENDED = "province_not_recommended", "省厅不予推荐"


@dataclass(frozen=True)
class Transition:
    source: State
    target: State
    roles: frozenset[str]
    label: str  # the button's text
    reason_required: bool = False


def _t(source: State, target: State, roles: set[str], label: str, reason: bool = False) -> Transition:
    return Transition(source, target, frozenset(roles), label, reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t(State.DRAFT, State.SUBMITTED, {"applicant"}, "提交至推荐单位"),
    _t(State.RETURNED, State.SUBMITTED, {"applicant"}, "修改后重新提交"),
    _t(State.SUBMITTED, State.CITY_REVIEW, {"city"}, "受理并审核"),
    _t(State.SUBMITTED, State.RETURNED, {"city"}, "退回修改", reason=True),
    _t(State.CITY_REVIEW, State.RETURNED, {"city"}, "退回修改", reason=True),
    _t(State.CITY_REVIEW, State.CITY_RECOMMENDED, {"city"}, "拟推荐"),
    _t(State.CITY_REVIEW, State.CITY_NOT_RECOMMENDED, {"city"}, "不予推荐", reason=True),
    _t(State.CITY_RECOMMENDED, State.CITY_REVIEW, {"city"}, "撤回拟推荐", reason=True),
    _t(State.CITY_NOT_RECOMMENDED, State.CITY_REVIEW, {"city"}, "重新审核", reason=True),
    _t(State.CITY_RECOMMENDED, State.PROVINCE_RECOMMENDED, {"province"}, "省厅推荐"),
    _t(State.CITY_RECOMMENDED, State.PROVINCE_NOT_RECOMMENDED, {"province"}, "省厅不予推荐", reason=True),
    _t(State.PROVINCE_RECOMMENDED, State.CITY_RECOMMENDED, {"province"}, "撤销省厅决定", reason=True),
    _t(State.PROVINCE_NOT_RECOMMENDED, State.CITY_RECOMMENDED, {"province"}, "撤销省厅决定", reason=True),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

# States in which the applicant may still edit its application.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# States in which an import (the unit's own, or the province's) may still change an application's
# data: before the city has decided. Later, a change means undoing a decision, which has its own
# transition with a reason.
IMPORT_EDITABLE_STATES = frozenset({State.DRAFT, State.SUBMITTED, State.RETURNED, State.CITY_REVIEW})
# States that count as the unit's recommendation (rule Q1 counts these).
RECOMMENDED_STATES = frozenset(
    {State.CITY_RECOMMENDED, State.PROVINCE_RECOMMENDED, State.PROVINCE_NOT_RECOMMENDED}
)


def find(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((State(source), State(target)))


def available(source: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and role in t.roles]
