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
    ruling: str = ""  # "confirmed" / "dismissed" when a person has ruled on the finding


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
    screened_at: dt.datetime | None  # when the stored verdict was reached
    data_version: int  # the batch's data version that verdict's run screened
    stale: bool  # newer data is waiting to be screened (正在更新)


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
    kind: str
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


class TransitionIn(Schema):
    to: str
    reason: str = ""
    acknowledge: list[str] = []  # rule ids of warnings the caller has read


class TransitionOut(Schema):
    id: int
    state: str


class RefusalOut(Schema):
    detail: str
    findings: list[FindingOut] = []


class SubmitIn(Schema):
    confirm: bool = False


class SubmitOut(Schema):
    unit: str
    submitted_at: dt.datetime
    snapshot_hash: str


class BlockedOut(Schema):
    detail: str
    blockers: list[FindingOut]


class ReturnIn(Schema):
    reason: str = ""


class ReturnOut(Schema):
    unit: str
    returned_at: dt.datetime
    reason: str


class RegisterEventOut(Schema):
    on: str
    event: str
    detail: str


class RegisterEntryOut(Schema):
    uscc: str
    name: str
    category: str
    level: str
    unit: str
    year: int
    status: str
    removed_on: str | None
    history: list[RegisterEventOut]


class ProposalIn(Schema):
    # Loosely typed on purpose: the operation checks every value itself and answers in Chinese
    # (a schema error would be an English 422).
    uscc: Any = None
    category: Any = None
    level: Any = None
    kind: Any = None
    reason: Any = None
    effective_on: Any = None
    new_name: Any = None


class ProposalOut(Schema):
    id: int
    status: str


class DecisionIn(Schema):
    reason: Any = None
    document_number: Any = None


class FilingFlagOut(Schema):
    rule: str
    clause: str
    message: str


class FilingOut(Schema):
    id: int
    cycle: int
    uscc: str
    name: str
    category: str
    level: str
    unit: str
    state: str
    state_label: str
    form_version: str
    submitted_at: dt.datetime | None
    values: dict[str, Any]
    flags: list[FilingFlagOut]
