"""The yearly dynamic-management filings of listed green units, their city audit and on-site checks.

Scoping: a filing belongs to its list entry's recommending unit (the city sees and audits it) and
to the applicant whose organisation has the entry's uscc (it files its own); the province sees
all. Reviews and on-site checks follow their filing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from greenlist.registry.models import Organisation, ProvincialListEntry, RecommendingUnit
from greenlist.scoping import Scope, ScopedManager


class FilingState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "审核通过"
    ONSITE_ORDERED = "onsite_ordered", "待现场核查"


def _filing_scope(scope: Scope, prefix: str = "") -> Q | None:
    if scope.unit_id is not None:
        return Q(**{f"{prefix}unit_id": scope.unit_id})
    if scope.organisation_id is not None:
        usccs = Organisation.unscoped.filter(pk=scope.organisation_id).values("uscc")
        return Q(**{f"{prefix}uscc__in": usccs})
    return None


class Filing(models.Model):
    """One listed unit's 动态管理表 for one cycle."""

    entry = models.ForeignKey(
        ProvincialListEntry, verbose_name="名单单位", on_delete=models.PROTECT, related_name="filings"
    )
    # Copied from the entry on save: the scope reads them without a join.
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="filings"
    )
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    cycle_year = models.PositiveSmallIntegerField("填报年度")
    form_version = models.CharField("填报表版本", max_length=60)
    values = models.JSONField("填报内容", default=dict)
    state = models.CharField("状态", max_length=20, choices=FilingState.choices, default=FilingState.DRAFT)
    filed_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order", "entry__name"]
        verbose_name = verbose_name_plural = "动态管理表"
        base_manager_name = "unscoped"
        constraints = [models.UniqueConstraint(fields=["entry", "cycle_year"], name="filing_unique")]

    def __str__(self) -> str:
        return f"{self.entry.name} {self.cycle_year}年度动态管理表"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_id = self.entry.unit_id
        self.uscc = self.entry.uscc
        super().save(*args, **kwargs)

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return _filing_scope(scope)


class FilingReview(models.Model):
    """A city's decision on a filing (accept, return, order an on-site check), with its reason."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "审核通过"
        RETURNED = "returned", "退回修改"
        ONSITE = "onsite", "安排现场核查"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField("审核结论", max_length=20, choices=Decision.choices)
    reason = models.TextField("意见", blank=True)
    flags = models.JSONField("审核时的提示", default=list)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = verbose_name_plural = "动态管理审核意见"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.filing} {self.get_decision_display()}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return _filing_scope(scope, "filing__")


def onsite_path(instance: OnSiteCheck, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"dynamic/{instance.filing_id}/onsite/{instance.attachment_sha256[:16]}{suffix}"


class OnSiteCheck(models.Model):
    """现场核查: a task the city gives a named person, by a date; its findings and one attachment."""

    class State(models.TextChoices):
        ORDERED = "ordered", "待核查"
        DONE = "done", "已核查"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="onsite_checks")
    assignee = models.CharField("核查人员", max_length=100)
    due_on = models.DateField("核查日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.ORDERED)
    findings = models.TextField("核查结果", blank=True)
    attachment = models.FileField("核查材料", upload_to=onsite_path, blank=True)
    attachment_name = models.CharField("原文件名", max_length=200, blank=True)
    attachment_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    attachment_type = models.CharField("内容类型", max_length=10, blank=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField("安排时间", auto_now_add=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-ordered_at", "-pk"]
        verbose_name = verbose_name_plural = "现场核查"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.filing.entry.name} 现场核查（{self.assignee}，{self.due_on}）"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        # The applicant is told a check is coming (its filing page) but not the findings' file:
        # the attachment view asks for a city or the province.
        return _filing_scope(scope, "filing__")
