"""The campaign: batches, applications and their attachments, consultations, unit submissions.

Models stay thin; state changes go through ``greenlist.campaign.actions``.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from greenlist.campaign.workflow import State
from greenlist.registry.models import Evaluator, Organisation, RecommendingUnit
from greenlist.rules.batch import Batch as BatchParameters
from greenlist.rules.batch import load_batch_file
from greenlist.rules.vocabulary import Category, Department, Method, ParkLevel
from greenlist.scoping import Scope, ScopedManager


class Batch(models.Model):
    """年度批次. Its parameters live in the batch file; the row anchors applications to it."""

    code = models.CharField("批次", max_length=20)
    province = models.CharField("省份", max_length=40)
    title = models.CharField("名称", max_length=100)
    file_name = models.CharField("批次文件", max_length=200)
    file_sha256 = models.CharField("批次文件校验值", max_length=64)

    class Meta:
        ordering = ["-code"]
        verbose_name = verbose_name_plural = "年度批次"
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="batch_unique")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def sync_from_file(cls, path: Path) -> Batch:
        params = load_batch_file(path)
        batch, _ = cls.objects.update_or_create(
            province=params.province,
            code=params.code,
            defaults={
                "title": params.title,
                "file_name": path.name,
                "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            },
        )
        return batch

    @classmethod
    def current(cls, code: str | None = None) -> Batch:
        return cls.objects.get(
            province=settings.GREENLIST_PROVINCE, code=code or settings.GREENLIST_DEFAULT_BATCH
        )

    @cached_property
    def parameters(self) -> BatchParameters:
        return load_batch_file(Path(settings.GREENLIST_DATA_DIR) / "batches" / self.file_name)


def _unit_or_org_scope(scope: Scope) -> Q | None:
    if scope.unit_id is not None:
        return Q(unit_id=scope.unit_id)
    if scope.organisation_id is not None:
        return Q(organisation_id=scope.organisation_id)
    if scope.evaluator_id is not None:
        return Q(evaluator_id=scope.evaluator_id)
    if scope.expert_id is not None:
        # A review expert (greenlist.selection) sees the applications assigned to them, and their
        # materials; one active assignment per expert and application, so the join adds no rows.
        return Q(review_assignments__expert_id=scope.expert_id, review_assignments__withdrawn_at=None)
    return None


# Facts only a park (rules P1/P2) or a supply-chain enterprise (S2) has; forms, imports and the
# screening facts all name them through these.
PARK_FIELDS = (
    "park_level",
    "industrial_share",
    "manufacturing_and_energy",
    "legal_boundary",
    "management_body",
    "low_carbon_pilot",
    "high_tech_zone",
    "green_factories_inside",
)
SUPPLY_CHAIN_FIELDS = ("green_factory_suppliers", "producer_responsibility_pilot")


def industry_code_of(industry: str) -> str:
    """The one GB/T 4754-2017 code ``industry`` names, or "" (unknown, or a short name such as 机械
    that covers several divisions: the rules then resolve the text to all of them)."""
    from greenlist.rules.industries import load_industries

    codes = load_industries().resolve(industry) if industry else ()
    return codes[0] if len(codes) == 1 else ""


class Application(models.Model):
    """One organisation's application in one category of one batch."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="申报主体", on_delete=models.PROTECT, related_name="applications"
    )
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="applications"
    )
    category = models.CharField("申报类别", max_length=20, choices=Category.choices())
    method = models.CharField("评价方式", max_length=20, choices=Method.choices(), default=Method.SELF)
    evaluator = models.ForeignKey(
        Evaluator,
        verbose_name="第三方评价机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    industry = models.CharField("行业", max_length=60, blank=True)
    # GB/T 4754-2017 国民经济行业分类 code (F2, F3, S2); empty where the industry text names no class.
    industry_code = models.CharField("行业代码", max_length=4, blank=True)
    evaluation_standard = models.CharField("评价依据标准", max_length=120, blank=True)
    score = models.DecimalField("评价得分", max_digits=6, decimal_places=2, null=True, blank=True)
    no_result_promise = models.BooleanField("无结果承诺声明", default=False)
    product = models.CharField("主要产品", max_length=60, blank=True)
    unit_energy = models.DecimalField("单位产品能耗", max_digits=12, decimal_places=3, null=True, blank=True)
    # Park facts (rule P1/P2)
    # The applicant of a park is its management body; 附件1's 园区名称 names the park itself.
    park_name = models.CharField(
        "园区名称",
        max_length=200,
        blank=True,
        help_text="园区本身的名称（申报主体为其管理机构），用于推荐汇总表。",
    )
    park_level = models.CharField("园区级别", max_length=20, choices=ParkLevel.choices(), blank=True)
    industrial_share = models.DecimalField(
        "工业增加值占比(%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    manufacturing_and_energy = models.BooleanField("主要功能为产品制造和能源供给", null=True, blank=True)
    legal_boundary = models.BooleanField("有法定边界和范围", null=True, blank=True)
    management_body = models.BooleanField("有统一管理机构", null=True, blank=True)
    low_carbon_pilot = models.BooleanField("国家低碳工业园区试点", default=False)
    high_tech_zone = models.BooleanField("高新技术开发区", default=False)
    green_factories_inside = models.PositiveIntegerField("园区内绿色工厂数量", null=True, blank=True)
    # Supply-chain facts (rule S2)
    green_factory_suppliers = models.PositiveIntegerField("供应商中绿色工厂数量", null=True, blank=True)
    producer_responsibility_pilot = models.BooleanField("汽车产品生产者责任延伸试点", default=False)

    # Indicator values entered for scoring, keyed by indicator id (greenlist.scoring.contract's
    # stored-entry shape); the computed total is kept in ``score``.
    indicators = models.JSONField("评价指标数据", default=dict, blank=True)
    state = models.CharField("状态", max_length=30, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order", "category", "submitted_at", "id"]
        verbose_name = verbose_name_plural = "申报"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["batch", "organisation", "category"], name="application_unique")
        ]
        indexes = [models.Index(fields=["batch", "unit", "category", "state"])]

    def __str__(self) -> str:
        return f"{self.organisation.name}（{Category(self.category).label}）"

    @property
    def listed_name(self) -> str:
        """The name a list shows: a park's own name (its applicant is the management body)."""
        return self.park_name or self.organisation.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The code follows the industry text wherever it is edited (form, API, admin), so it can
        # never disagree with it; bulk imports set both from the same resolution.
        named = industry_code_of(self.industry)
        if not self.industry_code.startswith(named) or not named:
            self.industry_code = named
        fields = kwargs.get("update_fields")
        if fields is not None and "industry" in fields:
            kwargs["update_fields"] = {*fields, "industry_code"}
        super().save(*args, **kwargs)

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return _unit_or_org_scope(scope)

    @property
    def state_label(self) -> str:
        return State(self.state).label


def attachment_path(instance: Attachment, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"applications/{instance.application_id}/{instance.kind}/{instance.sha256[:16]}{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        EVALUATION_REPORT = "evaluation_report", "评价报告"
        EXPERIENCE_REPORT = "experience_report", "典型经验报告（附件2）"
        PICTURE = "picture", "典型经验报告图片"
        OTHER = "other", "其他材料"
        # Self-evaluation (2025 on): each indicator's own evidence (统计报表, 能源审计, 证书 …).
        EVIDENCE = "evidence", "指标佐证材料"

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("内容类型", max_length=10, blank=True)  # detected from content, not name
    slot = models.PositiveSmallIntegerField("所属亮点", null=True, blank=True)  # pictures: highlight 1–3
    caption = models.CharField("图片说明", max_length=100, blank=True)
    indicator = models.CharField("所属指标", max_length=20, blank=True)  # evidence: the indicator id
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = verbose_name_plural = "申报材料"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        condition = _unit_or_org_scope(scope)
        if condition is None:
            return None
        return Q(application__in=Application.unscoped.filter(condition))


class Consultation(models.Model):
    """征求意见: a department's opinion on a unit's draft list (rule C1)."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="consultations"
    )
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="consultations"
    )
    department = models.CharField("部门", max_length=30, choices=Department.choices())
    agrees = models.BooleanField("同意推荐", default=True)
    opinion = models.TextField("意见")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now=True)
    # How the city handled a department's objection (C1 blocks submission until it is recorded).
    handling = models.TextField("推荐单位处理情况", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order", "department"]
        verbose_name = verbose_name_plural = "征求意见"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit", "department"], name="consultation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {Department(self.department).label}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return Q(unit_id=scope.unit_id) if scope.unit_id is not None else None


class IndicatorCheck(models.Model):
    """The county's or city's check of one self-evaluated indicator (390号: 真实性、准确性、先进性),
    or its query back to the applicant."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "已核查"
        QUERIED = "queried", "已质询，待申报单位说明"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="indicator_checks")
    indicator = models.CharField("指标", max_length=20)
    authentic = models.BooleanField("真实", null=True, blank=True)
    accurate = models.BooleanField("准确", null=True, blank=True)
    advanced = models.BooleanField("先进", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    query = models.TextField("质询内容", blank=True)
    note = models.TextField("核查意见", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("核查时间", auto_now=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["application", "indicator"]
        verbose_name = verbose_name_plural = "指标核查"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator"], name="indicator_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.indicator}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        condition = _unit_or_org_scope(scope)
        if condition is None:
            return None
        return Q(application__in=Application.unscoped.filter(condition))


class UnitSubmission(models.Model):
    """A unit's submission of its list to the province, with the province's overrides (Q1, D1)."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="unit_submissions"
    )
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_until = models.DateTimeField("省厅延期至", null=True, blank=True)
    quota_override = models.PositiveIntegerField("省厅核定推荐名额", null=True, blank=True)
    quota_override_reason = models.TextField("核定理由", blank=True)
    # The list as submitted: applications in ranking order with verdicts, rulings, opinions and
    # quota. Documents are made from it; its hash is in the audit trail.
    snapshot = models.JSONField("报送快照", null=True, blank=True)
    snapshot_hash = models.CharField("快照校验值", max_length=64, blank=True)
    returned_at = models.DateTimeField("省厅退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order"]
        verbose_name = verbose_name_plural = "推荐单位报送"
        base_manager_name = "unscoped"
        constraints = [models.UniqueConstraint(fields=["batch", "unit"], name="unit_submission_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.batch}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return Q(unit_id=scope.unit_id) if scope.unit_id is not None else None


class Notification(models.Model):
    """An e-mail to send: state changes and deadline reminders. Written in the transaction of the
    change; sent later by the worker's ``send_notices`` task or ``greenlist notify``, so a mail
    server outage never blocks or rolls back the work itself, and only delays the notice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")
    key = models.CharField("去重键", max_length=200, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True, db_index=True)
    # A failed delivery keeps the notice queued: how often it was tried, why the last try failed,
    # and when the next may be made (backoff; greenlist.campaign.notices).
    attempts = models.PositiveIntegerField("发送尝试次数", default=0)
    last_error = models.TextField("最近一次失败原因", blank=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.subject


class ExperienceReport(models.Model):
    """典型经验报告 (附件2) as structured text, written in the form or read from an uploaded .docx.

    ``highlights`` holds three ``{"title", "body", "embedded_pictures"}``; pictures uploaded in the
    form are attachments of kind ``picture`` with the highlight's ``slot``."""

    application = models.OneToOneField(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="experience_report"
    )
    inspiration = models.TextField("示范启示", blank=True)
    title = models.CharField("标题", max_length=200, blank=True)
    introduction = models.TextField("简介", blank=True)
    practices = models.TextField("创建做法", blank=True)
    highlights = models.JSONField("工作亮点", default=list)
    next_steps = models.TextField("下一步发展措施", blank=True)
    source = models.CharField("来源", max_length=20, default="form")  # form | upload
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        verbose_name = verbose_name_plural = "典型经验报告"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return self.title or f"{self.application} 典型经验报告"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        condition = _unit_or_org_scope(scope)
        if condition is None:
            return None
        return Q(application__in=Application.unscoped.filter(condition))


class Job(models.Model):
    """Long work run outside the web request (a workbook import): its progress and result live
    here, so the page can be reloaded or left and the work goes on."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Kind(models.TextChoices):
        IMPORT = "import", "交换工作簿导入"
        FILINGS = "filings", "动态管理表导入"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.IMPORT)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.CharField("文件", max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    # An exchange import's batch; a filings import names its cycle in ``params`` instead.
    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    params = models.JSONField("参数", default=dict, blank=True)
    unit = models.ForeignKey(
        RecommendingUnit,
        verbose_name="推荐单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="jobs"
    )
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    done = models.PositiveIntegerField("已处理行数", default=0)
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The django-tasks result row that runs this job (a new one on each retry).
    task_id = models.CharField("任务队列编号", max_length=64, blank=True)
    # Which worker runs it ("host:pid:worker id") and when it last said it was alive: how a
    # job whose worker was killed is recognised (exchange/jobs.py, recover_stale_jobs).
    worker = models.CharField("处理进程", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def retryable(self) -> bool:
        """Failed without importing anything (interrupted, not refused for bad rows), and the
        upload is still there to import again."""
        return (
            self.status == self.Status.FAILED
            and bool((self.result or {}).get("fatal"))
            and Path(self.file).is_file()
        )

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0


class WorkerBeat(models.Model):
    """One row per `greenlist worker` process: when it was last seen alive (for /readyz and
    `greenlist status`: is anything processing the queues?)."""

    worker_id = models.CharField("进程编号", max_length=64, unique=True)
    host = models.CharField("主机", max_length=200)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间", auto_now_add=True)
    last_seen = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台处理进程"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


def opinion_letter_path(instance: CompanyOpinion, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"opinions/{instance.application_id}/{instance.department}/{instance.letter_sha256[:16]}{suffix}"


class Engagement(models.Model):
    """委托: an applicant's choice of a third-party evaluator for one application, which the
    evaluator accepts or declines. Only an accepted engagement is one of the evaluator's projects
    (V3); the no-result-promise declaration (V4) is signed on the engagement itself."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待机构确认"
        ACCEPTED = "accepted", "已接受委托"
        DECLINED = "declined", "已拒绝委托"

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="engagements"
    )
    evaluator = models.ForeignKey(
        Evaluator, verbose_name="第三方评价机构", on_delete=models.PROTECT, related_name="engagements"
    )
    status = models.CharField("委托状态", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField("委托时间")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField("拒绝理由", blank=True)
    # How the engagement came about: the applicant's form, or the city's workbook (it vouches).
    source = models.CharField("来源", max_length=10, default="form")
    declaration_signed_at = models.DateTimeField("无结果承诺声明签署时间", null=True, blank=True)
    declaration_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declaration_text = models.TextField("所签声明全文", blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-requested_at", "id"]
        verbose_name = verbose_name_plural = "评价委托"
        base_manager_name = "unscoped"
        constraints = [models.UniqueConstraint(fields=["application", "evaluator"], name="engagement_unique")]

    def __str__(self) -> str:
        return f"{self.application} · {self.evaluator}"

    @property
    def unit(self) -> RecommendingUnit:
        return self.application.unit

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        if scope.evaluator_id is not None:
            return Q(evaluator_id=scope.evaluator_id)
        condition = _unit_or_org_scope(scope)
        if condition is None:
            return None
        return Q(application__in=Application.unscoped.filter(condition))


class CompanyOpinion(models.Model):
    """A department's opinion on one application of its city's draft list: 同意 or 不同意 with
    its text, the reply letter's 文号 and the letter (复函) itself; the city records how it handled
    each 不同意."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="company_opinions"
    )
    department = models.CharField("部门", max_length=30, choices=Department.choices())
    agrees = models.BooleanField("同意推荐")
    opinion = models.TextField("意见", blank=True)
    document_number = models.CharField("文号", max_length=60, blank=True)
    letter = models.FileField("复函", upload_to=opinion_letter_path, blank=True)
    letter_name = models.CharField("复函原文件名", max_length=200, blank=True)
    letter_sha256 = models.CharField("复函 SHA-256", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")
    handling = models.TextField("推荐单位处理情况", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["application_id", "department"]
        verbose_name = verbose_name_plural = "部门对申报的意见"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["application", "department"], name="company_opinion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application} {Department(self.department).label}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        if scope.unit_id is not None:
            return Q(application__unit_id=scope.unit_id)
        return None
