"""Users and their roles (docs/contracts/vocabulary.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from greenlist.rules.vocabulary import Department


class Role(models.TextChoices):
    APPLICANT = "applicant", "申报单位"
    EVALUATOR = "evaluator", "第三方评价机构"
    CITY = "city", "推荐单位"
    DEPARTMENT = "department", "征求意见部门"
    PROVINCE = "province", "省工业和信息化厅"
    EXPERT = "expert", "评审专家"
    ADMIN = "admin", "系统管理员"


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.APPLICANT)
    unit = models.ForeignKey(
        "registry.RecommendingUnit",
        verbose_name="所属推荐单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name="所属申报主体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    evaluator = models.ForeignKey(
        "registry.Evaluator",
        verbose_name="所属评价机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.CharField("部门", max_length=30, choices=Department.choices(), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def clean(self) -> None:
        super().clean()
        needs = {
            Role.CITY: ("unit",),
            Role.DEPARTMENT: ("unit", "department"),
            Role.APPLICANT: ("organisation",),
            Role.EVALUATOR: ("evaluator",),
        }.get(Role(self.role), ())
        if (
            self.role == Role.APPLICANT
            and self.pk
            and OrganisationClaim.objects.filter(user_id=self.pk).exists()
        ):
            needs = ()  # a pending (or rejected) registration has no organisation yet, on purpose
        missing = {
            name: "该角色必须填写此项。"
            for name in needs
            if not getattr(self, name if name == "department" else f"{name}_id")
        }
        if missing:
            raise ValidationError(missing)

    @property
    def is_province(self) -> bool:
        return self.role in (Role.PROVINCE, Role.ADMIN)

    @property
    def scope_label(self) -> str:
        if self.role in (Role.CITY, Role.DEPARTMENT) and self.unit:
            suffix = f" · {self.get_department_display()}" if self.department else ""
            return f"{self.unit.name}{suffix}"
        if self.role == Role.APPLICANT and self.organisation:
            return self.organisation.name
        if self.role == Role.EVALUATOR and self.evaluator:
            return self.evaluator.name
        return "河北省工业和信息化厅" if self.is_province else ""


TOKEN_LIFETIME_DAYS = 90


def default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=TOKEN_LIFETIME_DAYS)


class ApiToken(models.Model):
    """A bearer token for the HTTP API, acting as its user (same role, same scope). Only the
    SHA-256 of the token is stored; the token itself is shown once, when created. It stops
    working at ``expires_at`` (a leaked token does not work for ever)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    digest = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", default=default_token_expiry)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"


class ClaimState(models.TextChoices):
    PENDING = "pending", "待推荐单位确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"


class OrganisationClaim(models.Model):
    """An account registered for an enterprise the registry already holds (imported by its city,
    or with an account already). Until the claim is confirmed — by a city user of the
    organisation's unit, or with a one-time code that city handed over — the account's
    ``organisation`` stays empty, so its scope is empty and it sees nothing of the firm."""

    user = models.OneToOneField(User, verbose_name="注册账号", on_delete=models.CASCADE, related_name="claim")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name="申报主体", on_delete=models.PROTECT, related_name="claims"
    )
    stated_name = models.CharField("注册时填写的单位名称", max_length=200)
    state = models.CharField("状态", max_length=20, choices=ClaimState.choices, default=ClaimState.PENDING)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name="处理人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField("驳回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待确认注册"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user.username} → {self.stated_name}（{self.get_state_display()}）"


class ClaimCode(models.Model):
    """A one-time code a city issues for one of its organisations and hands over to the firm; the
    firm's pending account enters it to be confirmed. Only a salted hash is stored."""

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name="申报主体", on_delete=models.CASCADE, related_name="claim_codes"
    )
    code_hash = models.CharField("确认码摘要", max_length=200)
    created_by = models.ForeignKey(User, verbose_name="生成人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    used_by = models.ForeignKey(
        User, verbose_name="使用账号", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "一次性确认码"

    def __str__(self) -> str:
        return f"{self.organisation} 的确认码（{self.created_at:%Y-%m-%d}）"
