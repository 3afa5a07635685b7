"""Users and their roles (DESIGN.md "Who uses it")."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from greenlist.rules.vocabulary import Department


class Role(models.TextChoices):
    APPLICANT = "applicant", "申报单位"
    EVALUATOR = "evaluator", "第三方评价机构"
    CITY = "city", "推荐单位"
    DEPARTMENT = "department", "征求意见部门"
    PROVINCE = "province", "省工业和信息化厅"
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


class ApiToken(models.Model):
    """A bearer token for the HTTP API, acting as its user (same role, same scope). Only the
    SHA-256 of the token is stored; the token itself is shown once, when created."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"
