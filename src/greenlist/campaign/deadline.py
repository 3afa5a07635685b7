"""The one source of a unit's submission deadline (rule D1): the batch's deadline, any reopening
by the province, the days left and whether the unit has already submitted. Every page that shows a
deadline (the 待办 home, the dashboard, the screening page) reads it from here, so they cannot
disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from greenlist.campaign.models import Batch, UnitSubmission
from greenlist.registry.models import RecommendingUnit


@dataclass(frozen=True)
class Deadline:
    batch_deadline: dt.datetime
    reopened_until: dt.datetime | None
    submitted_at: dt.datetime | None
    now: dt.datetime

    @property
    def reopened(self) -> bool:
        """The province reopened submission beyond the batch's deadline."""
        return self.reopened_until is not None and self.reopened_until > self.batch_deadline

    @property
    def due(self) -> dt.datetime:
        """The time in force: the reopening when it is later than the batch's deadline (D1)."""
        if self.reopened_until is not None and self.reopened_until > self.batch_deadline:
            return self.reopened_until
        return self.batch_deadline

    @property
    def passed(self) -> bool:
        return self.now > self.due

    @property
    def days_left(self) -> int:
        """Whole days left (0 on the last day); negative once passed."""
        return (self.due - self.now).days

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def late(self) -> bool:
        """Not submitted and past the time in force."""
        return not self.submitted and self.passed

    @property
    def summary(self) -> str:
        """One sentence, the same on every page."""
        due = timezone.localtime(self.due).strftime("%Y年%m月%d日 %H:%M")
        if self.submitted and self.submitted_at is not None:
            return f"已于 {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M} 报送省厅"
        prefix = "省厅已重新开放报送至" if self.reopened else "报送截止"
        if self.passed:
            return f"{prefix} {due}，已截止"
        return f"{prefix} {due}，剩余 {self.days_left} 天"


def unit_deadline(
    batch: Batch,
    unit: RecommendingUnit,
    *,
    now: dt.datetime | None = None,
    submission: UnitSubmission | None = None,
) -> Deadline:
    """The deadline in force for ``unit`` in ``batch`` (pass ``submission`` when already loaded)."""
    if submission is None:
        submission = UnitSubmission.unscoped.filter(batch=batch, unit=unit).first()
    return Deadline(
        batch_deadline=batch.parameters.deadline,
        reopened_until=submission.reopened_until if submission else None,
        submitted_at=submission.submitted_at if submission else None,
        now=now or timezone.now(),
    )


def batch_deadline(batch: Batch, *, now: dt.datetime | None = None) -> Deadline:
    """The batch's own deadline, for a reader not bound to one unit (the applicant is told its
    unit's deadline instead, through :func:`unit_deadline`)."""
    return Deadline(
        batch_deadline=batch.parameters.deadline,
        reopened_until=None,
        submitted_at=None,
        now=now or timezone.now(),
    )
