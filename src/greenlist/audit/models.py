"""Append-only audit trail, each event chained to the previous one by hash."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Action(models.IntegerChoices):
    """Stable event codes, grouped by hundreds (never renumber: stored in the chain)."""

    APPLICATION_CREATED = 101, "创建申报"
    APPLICATION_UPDATED = 102, "修改申报"
    APPLICATION_TRANSITION = 110, "申报状态变更"
    ATTACHMENT_UPLOADED = 120, "上传材料"
    REGISTRY_IMPORT = 201, "导入数据表"
    REGISTRY_RECORD_CHANGED = 202, "修改基础名录"
    JOB_QUEUED = 210, "提交导入任务"
    JOB_RETRIED = 211, "重试导入任务"
    JOB_ABANDONED = 212, "导入任务中断"
    CONSULTATION_RECORDED = 301, "记录征求意见"
    QUOTA_OVERRIDE = 302, "核定推荐名额"
    UNIT_SUBMITTED = 303, "推荐单位报送"
    UNIT_REOPENED = 304, "省厅重新开放报送"
    REFERENCE_CHANGED = 401, "修改参考数据"
    DEMO_LOADED = 901, "加载演示数据"


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人（记录时）", max_length=150)
    action = models.PositiveSmallIntegerField("事件", choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    unit = models.ForeignKey(
        "registry.RecommendingUnit", verbose_name="推荐单位", on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.TextField("理由", blank=True)
    details = models.JSONField("详情", default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "审计事件"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计事件只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("审计事件只能追加，不能删除。")
