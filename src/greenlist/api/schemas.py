from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class FindingOut(Schema):
    rule: str
    clause: str
    message: str
    effect: str


class ApplicationOut(Schema):
    id: int
    uscc: str
    name: str
    category: str
    unit: str
    method: str
    evaluator: str | None
    state: str
    score: Decimal | None
    submitted_at: dt.datetime | None


class ApplicationDetailOut(ApplicationOut):
    eligible: bool
    findings: list[FindingOut]


class QuotaOut(Schema):
    unit: str
    provincial_factories: int
    quota: int
    computed_quota: int
    blockers: list[FindingOut]


class EvaluatorOut(Schema):
    uscc: str
    name: str
    projects: int
    cap: int
    accepted: bool
    reasons: list[FindingOut]


class JobOut(Schema):
    id: int
    url: str
    status: str
    stage: str
    done: int
    total: int | None
    percent: int
    file: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    result: dict[str, Any] | None


class ErrorOut(Schema):
    detail: str
