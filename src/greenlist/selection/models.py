"""Expert pool, assignments with their score sheets, review meetings, 公示 and objections.

Every model is scoped: the province sees everything, a review expert their own pool entry and
their assignments, everyone else nothing. The public page of a 公示 reads the notice's own
precomputed list (``PublicNotice.entries``), never the applications.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import Scope, ScopedManager


class Expert(models.Model):
    """评审专家: one person in the province's pool."""

    name = models.CharField("姓名", max_length=50)
    field = models.CharField("专业领域", max_length=100)
    organisation = models.CharField("工作单位", max_length=200)
    organisation_uscc = models.CharField(
        "工作单位统一社会信用代码", max_length=18, blank=True, help_text="用于回避核查，可不填。"
    )
    contact = models.CharField("联系方式", max_length=100)
    unit = models.ForeignKey(
        RecommendingUnit,
        verbose_name="所在地市",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="填写后，不得评审同一地市推荐的申报（回避）。",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_profile",
    )
    active = models.BooleanField("在库", default=True)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = "评审专家"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"

    def clean(self) -> None:
        # Every door that saves through a form (the web page, the admin) checks the login's role.
        super().clean()
        if self.user_id is not None and self.user is not None and self.user.role != "expert":
            raise ValidationError(
                {"user": "专家须关联“评审专家”角色的登录账号，请先将该账号的角色改为评审专家。"}
            )

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return Q(pk=scope.expert_id) if scope.expert_id is not None else None


class ReviewAssignment(models.Model):
    """One expert reviewing one application: the no-conflict declaration, then the score sheet."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="review_assignments"
    )
    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="分配人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("分配时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    declared_at = models.DateTimeField("无利益冲突声明时间", null=True, blank=True)
    declaration = models.TextField("声明内容", blank=True)
    sheet_file = models.CharField("打分表文件", max_length=100, blank=True)
    sheet_version = models.PositiveIntegerField("打分表版本", null=True, blank=True)
    points = models.JSONField("各项得分", default=dict, blank=True)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["application_id", "expert__name", "id"]
        verbose_name = verbose_name_plural = "专家评审分配"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="review_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.application}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return Q(expert_id=scope.expert_id) if scope.expert_id is not None else None


class MeetingKind(models.TextChoices):
    TOPIC = "topic", "专题会审"
    JOINT = "joint", "部门联审"


class ReviewMeeting(models.Model):
    """专题会审 / 联审: who met, when, and what they decided per application."""

    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("会审形式", max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField("会审日期")
    title = models.CharField("会议名称", max_length=200)
    attendees = models.TextField("参会人员", help_text="每行一人：姓名、单位及职务。")
    notes = models.TextField("会议纪要", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "会审记录"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return None  # the province's own work


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="decisions")
    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField("决定", max_length=30)
    basis = models.TextField("依据")
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "会审决定"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.meeting} · {self.application_id} → {self.target}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return None


class PublicNotice(models.Model):
    """公示: the province's public notice of a batch's selection. ``entries`` is the list as
    published (name, category, city), precomputed once so the public page reads one row."""

    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    preamble = models.TextField("正文", blank=True)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    days = models.PositiveSmallIntegerField("公示天数")
    contact = models.CharField("联系处室及电话", max_length=200)
    entries = models.JSONField("公示名单", default=list)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField("形成最终名单时间", null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = verbose_name_plural = "公示"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return None  # managed by the province; the public page reads published rows on purpose


def objection_path(instance: Objection, filename: str) -> str:
    return f"objections/{instance.notice_id}/{filename}"


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", "异议成立（移出名单）"
    DISMISSED = "dismissed", "异议不成立（保留）"


class Objection(models.Model):
    """A real-name written objection to an entry of a 公示, entered by the province."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name="公示", on_delete=models.PROTECT, related_name="objections"
    )
    application_id_listed = models.PositiveBigIntegerField("异议对象（申报编号）")
    listed_name = models.CharField("异议对象", max_length=200)
    name = models.CharField("异议人姓名（单位）", max_length=100)
    contact = models.CharField("异议人联系方式", max_length=100)
    statement = models.TextField("书面异议内容")
    received_on = models.DateField("收到日期")
    evidence = models.FileField("证明材料", upload_to=objection_path, blank=True)
    evidence_name = models.CharField("证明材料原文件名", max_length=200, blank=True)
    evidence_type = models.CharField("证明材料类型", max_length=10, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("登记时间", auto_now_add=True)
    outcome = models.CharField("处理结果", max_length=20, choices=ObjectionOutcome.choices, blank=True)
    outcome_text = models.TextField("处理意见", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = verbose_name_plural = "公示异议"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.listed_name}：{self.name}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return None
