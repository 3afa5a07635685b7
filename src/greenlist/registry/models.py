"""The registry: recommending units, organisations, green lists, negative records, evaluators.

These are facts the campaign reads (mostly imported from the exchange workbook); the rules in
``greenlist.rules`` decide what they mean.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from greenlist.registry.fields import UsccField
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, RecordType
from greenlist.scoping import Scope, ScopedManager


class RecommendingUnit(models.Model):
    """推荐单位: a city bureau (or 定州, 辛集, 雄安新区) that recommends to the province."""

    class Kind(models.TextChoices):
        CITY = "city", "设区市"
        COUNTY_CITY = "county_city", "省直管县级市"
        NEW_AREA = "new_area", "新区"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    region = models.CharField("行政区划代码前缀", max_length=6)
    bureau = models.CharField("主管部门", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "推荐单位"

    def __str__(self) -> str:
        return self.name


class NormalisedNameMixin(models.Model):
    name = models.CharField("名称", max_length=200)
    name_normalised = models.CharField("规范化名称", max_length=200, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_normalised = normalise_name(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Organisation(NormalisedNameMixin):
    """An applicant: an enterprise or an industrial park's management body."""

    uscc = UsccField(unique=True)
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="organisations"
    )
    industry = models.CharField("行业", max_length=60, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order", "name"]
        verbose_name = verbose_name_plural = "申报主体"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        if scope.unit_id is not None:
            return Q(unit_id=scope.unit_id)
        if scope.organisation_id is not None:
            return Q(pk=scope.organisation_id)
        if scope.evaluator_id is not None:
            applications = apps.get_model("campaign", "Application").unscoped
            return Q(pk__in=applications.filter(evaluator_id=scope.evaluator_id).values("organisation_id"))
        return None


class Evaluator(NormalisedNameMixin):
    """第三方评价机构: a legal entity, or a branch (分公司, 分支机构) naming its legal entity.

    V1–V3 judge the legal entity together with all its branches (二（四）"同一法人的评价机构"):
    see ``greenlist.campaign.evaluator_cap``.
    """

    uscc = UsccField(unique=True)
    # Empty for a legal entity itself. A uscc, not a foreign key: a branch may be imported before
    # (or without) its legal entity's own row.
    legal_entity_uscc = models.CharField("所属法人统一社会信用代码", max_length=18, blank=True, db_index=True)

    @property
    def entity_uscc(self) -> str:
        return self.legal_entity_uscc or self.uscc

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "第三方评价机构"

    def __str__(self) -> str:
        return self.name


class Diagnosis(models.Model):
    """免费节能诊断 an evaluator gave an industrial enterprise (rule V1)."""

    evaluator = models.ForeignKey(
        Evaluator, verbose_name="第三方评价机构", on_delete=models.CASCADE, related_name="diagnoses"
    )
    client_uscc = models.CharField("服务企业统一社会信用代码", max_length=18)
    day = models.DateField("服务日期")
    client_province = models.CharField("服务企业所在省", max_length=20)

    class Meta:
        ordering = ["-day"]
        verbose_name = verbose_name_plural = "免费节能诊断记录"
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "client_uscc", "day"], name="diagnosis_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.client_uscc} ({self.day})"


class BlacklistEntry(models.Model):
    """An evaluator blacklisted for fraud (rule V2)."""

    evaluator_uscc = models.CharField("机构统一社会信用代码", max_length=18, db_index=True)
    listed_on = models.DateField("列入日期")
    reason = models.TextField("原因", blank=True)

    class Meta:
        ordering = ["-listed_on"]
        verbose_name = verbose_name_plural = "评价机构黑名单"
        constraints = [
            models.UniqueConstraint(fields=["evaluator_uscc", "listed_on"], name="blacklist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator_uscc} {self.listed_on}"


class ProvincialListEntry(NormalisedNameMixin):
    """省级绿色制造名单 entry (also national entries the province keeps)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices())
    level = models.CharField("级别", max_length=20, choices=ListLevel.choices())
    unit = models.ForeignKey(
        RecommendingUnit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="list_entries"
    )
    year = models.PositiveSmallIntegerField("列入年份")
    status = models.CharField("状态", max_length=20, choices=ListStatus.choices(), default=ListStatus.ACTIVE)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    # P2 "优先推荐绿色工厂数量多的工业园区": the park a green factory is located in, named by the uscc of
    # the park's management body (the park applicant's uscc). Empty: not recorded.
    park_uscc = models.CharField("所在园区统一社会信用代码", max_length=18, blank=True, db_index=True)

    class Meta:
        ordering = ["unit__order", "category", "-year", "name"]
        verbose_name = verbose_name_plural = "省级绿色制造名单"
        constraints = [
            models.UniqueConstraint(fields=["uscc", "category", "level"], name="list_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{Category(self.category).label}，{ListLevel(self.level).label}）"


class NegativeRecord(NormalisedNameMixin):
    """负面记录: a dated fact that can exclude an applicant (rules E1–E6)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    type = models.CharField("类型", max_length=30, choices=RecordType.choices())
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)
    # Upsert key: one record per (uscc or normalised name, type, start day).
    key = models.CharField(max_length=40, unique=True, editable=False)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = verbose_name_plural = "负面记录"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.name} {RecordType(self.type).label} {self.start}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_normalised = normalise_name(self.name)
        self.key = self.make_key(self.uscc, self.name_normalised, self.type, self.start)
        super().save(*args, **kwargs)

    @staticmethod
    def make_key(uscc: str, name_normalised: str, type_: str, start: object) -> str:
        subject = uscc or f"name:{name_normalised}"
        return hashlib.sha1(f"{subject}|{type_}|{start}".encode()).hexdigest()

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        # Credit facts are shown to the unit whose applicants they concern, and to the applicant.
        if scope.unit_id is not None:
            orgs = Organisation.unscoped.filter(unit_id=scope.unit_id)
        elif scope.organisation_id is not None:
            orgs = Organisation.unscoped.filter(pk=scope.organisation_id)
        else:
            return None
        # A record filed under a name the firm carried before a rename is still the firm's.
        former = FormerName.objects.filter(uscc__in=orgs.values("uscc")).values("name_normalised")
        return (
            Q(uscc__in=orgs.values("uscc"))
            | Q(uscc="", name_normalised__in=orgs.values("name_normalised"))
            | Q(uscc="", name_normalised__in=former)
        )


class EnergyLevelEntry(models.Model):
    """A province-maintained row of the energy-level reference table (rule F3): a corrected value
    or a new product, over the versioned file ``data/reference/energy-levels.yaml``. Changes are
    audited (``greenlist.registry.reference``)."""

    product = models.CharField("产品/工序", max_length=60, unique=True)
    unit = models.CharField("单位", max_length=20, default="kgce/t")
    benchmark = models.DecimalField("标杆水平", max_digits=12, decimal_places=3, null=True, blank=True)
    baseline = models.DecimalField("基准水平", max_digits=12, decimal_places=3, null=True, blank=True)
    grade1 = models.DecimalField("1级/先进值", max_digits=12, decimal_places=3, null=True, blank=True)
    lower_is_better = models.BooleanField("越低越好", default=True)
    key_industry = models.BooleanField("重点行业（标杆水平）", default=True)
    source = models.CharField("来源", max_length=300)
    confidence = models.CharField(
        "可信度", max_length=1, choices=[("A", "A 原文"), ("B", "B 可靠转述"), ("C", "C 待核实")]
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["product"]
        verbose_name = verbose_name_plural = "能效水平参考值（省厅维护）"

    def __str__(self) -> str:
        return self.product


class UnitScore(models.Model):
    """One year's evaluation score of a listed green unit (the register's 'standing').

    Fed by the yearly dynamic-management filings and by imports; read by the relative bars
    (a new recommendation "原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平") and the
    bottom-5 %-for-three-years watchlist (``greenlist.registry.standing``).
    """

    class Source(models.TextChoices):
        FILING = "filing", "年度动态管理表"
        EVALUATION = "evaluation", "评价报告"
        IMPORT = "import", "导入"

    entry = models.ForeignKey(
        ProvincialListEntry, verbose_name="名单单位", on_delete=models.CASCADE, related_name="scores"
    )
    year = models.PositiveSmallIntegerField("年度")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.FILING)
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        ordering = ["entry", "-year"]
        verbose_name = verbose_name_plural = "名单单位年度得分"
        constraints = [models.UniqueConstraint(fields=["entry", "year"], name="unit_score_unique")]

    def __str__(self) -> str:
        return f"{self.entry.name} {self.year}: {self.score}"


def entry_scope(scope: Scope) -> Q | None:
    """Which list entries a scope reaches: a city or department its unit's; an applicant the
    entries carrying its own uscc; anyone else none (the province's scope sees everything and is
    never asked). The entries keep a plain manager because screening reads all of them; the
    register's queries apply this filter themselves (``registry.register.visible_entries``)."""
    if scope.unit_id is not None:
        return Q(unit_id=scope.unit_id)
    if scope.organisation_id is not None:
        return Q(uscc__in=Organisation.unscoped.filter(pk=scope.organisation_id).values("uscc"))
    return None


def _through_entry(scope: Scope) -> Q | None:
    condition = entry_scope(scope)
    if condition is None:
        return None
    return Q(entry__in=ProvincialListEntry.objects.filter(condition).values("pk"))


class RegisterEvent(models.Model):
    """One dated event in a listed unit's history: listing, rename, boundary or scope change,
    merger, removal, reinstatement. Appended by the register's write paths (the 省级名单 import,
    approved proposals, the demo), never edited."""

    class Kind(models.TextChoices):
        LISTED = "listed", "列入"
        RENAMED = "renamed", "更名"
        BOUNDARY = "boundary", "边界范围变更"
        MERGED = "merged", "合并"
        REVOKED = "revoked", "撤销"
        REINSTATED = "reinstated", "恢复"
        OTHER = "other", "其他"

    entry = models.ForeignKey(
        ProvincialListEntry, verbose_name="名单单位", on_delete=models.CASCADE, related_name="events"
    )
    on = models.DateField("日期")
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    detail = models.TextField("说明", blank=True)
    old_name = models.CharField("原名称", max_length=200, blank=True)
    new_name = models.CharField("新名称", max_length=200, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["entry", "on", "id"]
        verbose_name = verbose_name_plural = "名单单位历史"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.entry.name} {self.on} {self.get_kind_display()}"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return _through_entry(scope)


class FormerName(models.Model):
    """A name a listed unit carried before a rename. Name matching (negative records without a
    uscc, the 省级名单 import, applicants) reads these too, so a rename keeps matching."""

    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    entry = models.ForeignKey(
        ProvincialListEntry, verbose_name="名单单位", on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField("原名称", max_length=200)
    name_normalised = models.CharField("规范化名称", max_length=200, db_index=True, editable=False)
    until = models.DateField("使用至", null=True, blank=True)

    class Meta:
        ordering = ["entry", "until", "id"]
        verbose_name = verbose_name_plural = "名单单位曾用名"
        constraints = [
            models.UniqueConstraint(fields=["entry", "name_normalised"], name="former_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class RegisterProposal(models.Model):
    """A city's proposal to remove or rename one of its listed units; the province decides.

    Write paths: ``greenlist.registry.proposals`` (authority checks, audit, history)."""

    class Kind(models.TextChoices):
        REMOVAL = "removal", "撤销"
        RENAME = "rename", "更名"

    class Status(models.TextChoices):
        PENDING = "pending", "待省厅审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    entry = models.ForeignKey(
        ProvincialListEntry, verbose_name="名单单位", on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    reason = models.TextField("理由")
    effective_on = models.DateField("生效日期")
    new_name = models.CharField("新名称", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    # The dynamic-management filing whose audit (or on-site check) led to the proposal, if any:
    # the filing page lists its proposals and the cycle's progress counts them by it.
    filing = models.ForeignKey(
        "dynamic.Filing",
        verbose_name="来源动态管理表",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = verbose_name_plural = "名单调整建议"
        base_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.entry.name} {self.get_kind_display()}建议"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        # Proposals are the recommending unit's and the province's work, not the applicant's.
        if scope.unit_id is None:
            return None
        return Q(entry__unit_id=scope.unit_id)


class CultivationTarget(NormalisedNameMixin):
    """培育对象: an enterprise or park the province or a city names for cultivation at a level,
    valid for the period the province's data file gives (``registry.register.cultivation_until``)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices())
    level = models.CharField("级别", max_length=20, choices=ListLevel.choices())
    unit = models.ForeignKey(
        RecommendingUnit,
        verbose_name="推荐单位",
        on_delete=models.PROTECT,
        related_name="cultivation_targets",
    )
    named_on = models.DateField("确定日期")
    valid_until = models.DateField("有效期至")
    note = models.TextField("说明", blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["unit__order", "category", "-named_on", "name"]
        verbose_name = verbose_name_plural = "培育对象"
        base_manager_name = "unscoped"
        constraints = [
            models.UniqueConstraint(fields=["uscc", "category", "level"], name="cultivation_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{ListLevel(self.level).label}培育对象）"

    @staticmethod
    def scope_filter(scope: Scope) -> Q | None:
        return entry_scope(scope)
