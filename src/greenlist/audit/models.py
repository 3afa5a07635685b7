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
    UNIT_RETURNED = 305, "省厅退回报送"
    FINDING_RULED = 310, "认定筛查发现"
    RULING_REVERSED = 311, "撤销筛查发现认定"
    REFERENCE_CHANGED = 401, "修改参考数据"
    ACCOUNT_CLAIM_REQUESTED = 501, "注册账号待推荐单位确认"
    ACCOUNT_CLAIM_CONFIRMED = 502, "确认注册账号"
    ACCOUNT_CLAIM_REJECTED = 503, "驳回注册账号"
    CLAIM_CODE_ISSUED = 504, "生成一次性确认码"
    CLAIM_CODE_ACCEPTED = 505, "确认码核验通过"
    CLAIM_CODE_REFUSED = 506, "确认码核验未通过"
    PASSWORD_CHANGED = 511, "修改密码"
    PASSWORD_RESET = 512, "通过邮件重设密码"
    API_TOKEN_ISSUED = 521, "创建 API 令牌"
    ADMIN_RECORD_ADDED = 531, "管理后台新增记录"
    ADMIN_RECORD_CHANGED = 532, "管理后台修改记录"
    ADMIN_RECORD_DELETED = 533, "管理后台删除记录"
    FILING_SAVED = 630, "保存动态管理表"
    FILING_SUBMITTED = 631, "提交动态管理表"
    FILING_ACCEPTED = 632, "审核通过动态管理表"
    FILING_RETURNED = 633, "退回动态管理表"
    ONSITE_ORDERED = 634, "安排现场核查"
    ONSITE_RECORDED = 635, "记录现场核查结果"
    FILINGS_IMPORTED = 636, "导入动态管理表"
    FILING_REMINDERS_QUEUED = 637, "发送动态管理填报提醒"
    EXPERT_ADDED = 700, "新增评审专家"
    EXPERT_CHANGED = 701, "修改评审专家"
    EXPERT_ASSIGNED = 702, "分配评审专家"
    EXPERT_ASSIGNMENT_REFUSED = 703, "分配评审专家未通过回避核查"
    EXPERT_ASSIGNMENT_WITHDRAWN = 704, "撤回评审专家分配"
    EXPERT_DECLARED = 705, "专家签署无利益冲突声明"
    EXPERT_SCORED = 706, "专家提交评分"
    REVIEW_MEETING_RECORDED = 710, "记录会审"
    REVIEW_MEETING_DECISION = 711, "会审决定"
    NOTICE_PUBLISHED = 720, "发布公示"
    OBJECTION_RECEIVED = 721, "登记公示异议"
    OBJECTION_CLOSED = 722, "办结公示异议"
    FINAL_LIST_PRODUCED = 723, "形成最终名单"
    REGISTER_PROPOSED = 601, "提出名单调整建议"
    REGISTER_PROPOSAL_APPROVED = 602, "批准名单调整建议"
    REGISTER_PROPOSAL_REJECTED = 603, "驳回名单调整建议"
    REGISTER_ENTRY_REMOVED = 604, "名单单位撤销"
    REGISTER_ENTRY_RENAMED = 605, "名单单位更名"
    REGISTER_EVENT_RECORDED = 606, "记录名单单位历史事项"
    CULTIVATION_TARGET_NAMED = 607, "确定培育对象"
    INDICATOR_CHECKED = 660, "核查指标数据"
    INDICATOR_QUERIED = 661, "就指标数据向申报单位质询"
    ENGAGEMENT_REQUESTED = 741, "委托第三方评价机构"
    ENGAGEMENT_ACCEPTED = 742, "评价机构接受委托"
    ENGAGEMENT_DECLINED = 743, "评价机构拒绝委托"
    DECLARATION_SIGNED = 744, "签署无结果承诺声明"
    COMPANY_OPINION_RECORDED = 745, "记录部门对申报的意见"
    COMPANY_OPINION_HANDLED = 746, "记录对部门不同意意见的处理"
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
    # Which payload ``hash`` was computed over (``greenlist.audit.digests``); set on every append.
    hash_version = models.PositiveSmallIntegerField("哈希格式")

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


class AuditHead(models.Model):
    """The chain's head, kept outside the event table: how many events there are, the last one's id
    and hash, and an HMAC over those three keyed by ``SECRET_KEY`` (``greenlist.audit.head``).

    A single row (id 1), rewritten in the transaction of every append. Without the key nobody can
    write a head that matches a chain whose tail was cut off or whose hashes were recomputed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.BigIntegerField("事件数")
    last_id = models.BigIntegerField("最后事件编号")
    last_hash = models.CharField("最后事件哈希", max_length=64)
    # Empty when the head could not be re-signed because it was already broken (never laundered).
    signature = models.CharField("签名", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"{self.count} 个事件，最后事件 #{self.last_id}"
