"""Stored screening verdicts: what the rules concluded, when, and on which version of the data.

Decisions, pages, documents and the API read these rows instead of screening again on every
request. A batch's ``data_version`` goes up in the transaction of every write that can change an
outcome (``greenlist.screening.versions``); a run records the version it screened, so a verdict
older than the data is visibly stale until the worker catches up.
"""

from __future__ import annotations

from django.db import models

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import Evaluator


class BatchState(models.Model):
    """The batch's data version and how far screening has caught up with it."""

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="screening_state")
    data_version = models.PositiveBigIntegerField("数据版本", default=0)
    screened_version = models.PositiveBigIntegerField("已筛查到的数据版本", default=0)
    catalogue_version = models.CharField("规则与参数版本", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "筛查状态"

    def __str__(self) -> str:
        return f"{self.batch} v{self.data_version}"

    @property
    def stale(self) -> bool:
        return self.screened_version < self.data_version


class Demand(models.Model):
    """What a write changed, for the next run to re-screen: applications, firms (uscc or
    normalised name), evaluators, or everything."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField("数据版本")
    full = models.BooleanField("全部重新筛查", default=False)
    subjects = models.JSONField("变化对象", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        indexes = [models.Index(fields=["batch", "version"])]

    def __str__(self) -> str:
        return f"{self.batch_id} v{self.version}"


class ScreeningRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "全部"
        PARTIAL = "partial", "受影响部分"
        DECISION = "decision", "决定前复核"

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="screening_runs")
    kind = models.CharField("范围", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    data_version = models.PositiveBigIntegerField("数据版本")
    catalogue_version = models.CharField("规则与参数版本", max_length=64)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    counts = models.JSONField("统计", default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "筛查运行"

    def __str__(self) -> str:
        return f"{self.batch} 筛查 #{self.pk}（数据版本 {self.data_version}）"


class Verdict(models.Model):
    """The latest verdict on one application: every finding of every rule, with its effect,
    clause, message and evidence, and any ruling applied to it."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="verdict")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="verdicts")
    eligible = models.BooleanField("可推荐")
    findings = models.JSONField("筛查发现", default=list)
    screened_at = models.DateTimeField("筛查时间")

    class Meta:
        verbose_name = verbose_name_plural = "申报筛查结论"

    def __str__(self) -> str:
        return f"{self.application_id}: {'可推荐' if self.eligible else '不得推荐'}"


class EvaluatorVerdict(models.Model):
    """V1–V3 on an evaluator within one batch: its projects against the cap and whether its
    reports can be accepted at all."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="verdicts")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    projects = models.PositiveIntegerField("项目数")
    cap = models.PositiveIntegerField("上限")
    reasons = models.JSONField("不予接受的理由", default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "evaluator"], name="evaluator_verdict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator_id}: {self.projects}/{self.cap}"


class Ruling(models.Model):
    """A person's ruling on one finding that rests on a judgement: the city confirms or dismisses
    a name-only match or a disputed record, with a reason and evidence; the province sees every
    dismissal and may reverse it. Only the province may dismiss a record matched by its uscc.
    Rulings are an input of the next screening run (matched by the finding's fingerprint)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "确认"
        DISMISSED = "dismissed", "排除"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rulings")
    rule = models.CharField("规则", max_length=8)
    fingerprint = models.CharField("发现标识", max_length=32)
    finding_message = models.TextField("发现内容")
    decision = models.CharField("认定", max_length=10, choices=Decision.choices)
    reason = models.TextField("理由")
    evidence = models.FileField("证明材料", upload_to="rulings/%Y/", blank=True)
    ruled_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="认定人"
    )
    ruled_at = models.DateTimeField("认定时间")
    reversed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField("撤销时间", null=True, blank=True)
    reversal_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        ordering = ["-ruled_at"]
        verbose_name = verbose_name_plural = "筛查发现认定"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "fingerprint"],
                condition=models.Q(reversed_at__isnull=True),
                name="one_active_ruling_per_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.get_decision_display()}"

    @property
    def active(self) -> bool:
        return self.reversed_at is None
