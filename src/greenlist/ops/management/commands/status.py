from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from greenlist.audit.head import head_problem, is_signed
from greenlist.audit.log import chain_head
from greenlist.campaign.models import Notification, WorkerBeat
from greenlist.scoping import unscoped
from greenlist.screening.models import BatchState, ScreeningRun
from greenlist.worker.chores import QUEUES


def _when(value: Any) -> str:
    return "—" if value is None else f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"


class Command(BaseCommand):
    help = "显示运行状态：后台处理进程（最近心跳）、任务队列、邮件通知、最近一次筛查与审计链头。"

    def handle(self, *args: Any, **options: Any) -> None:
        with unscoped():
            for line in self.report():
                self.stdout.write(line)

    def report(self) -> list[str]:
        now = timezone.now()
        lines = ["后台处理进程（greenlist worker）："]
        beats = list(WorkerBeat.objects.order_by("-last_seen")[:10])
        if not beats:
            lines.append("  从未运行：请启动 greenlist worker（或 greenlist-worker 服务）")
        for beat in beats:
            age = (now - beat.last_seen).total_seconds()
            lines.append(
                f"  {beat.host} 进程 {beat.pid}（{beat.worker_id}）：最近心跳 {_when(beat.last_seen)}，"
                f"{age:.0f} 秒前"
            )

        lines.append("任务队列：")
        counts = {
            row["queue_name"]: row
            for row in DBTaskResult.objects.values("queue_name").annotate(
                pending=Count("id", filter=Q(status="READY")),
                running=Count("id", filter=Q(status="RUNNING")),
                failed=Count("id", filter=Q(status="FAILED")),
            )
        }
        for queue in sorted({*QUEUES, *counts}):
            row = counts.get(queue, {})
            lines.append(
                f"  {queue}：等待 {row.get('pending', 0)}，运行中 {row.get('running', 0)}，"
                f"失败 {row.get('failed', 0)}"
            )

        unsent = Notification.objects.filter(sent_at__isnull=True)
        failing = unsent.filter(attempts__gt=0).order_by("next_attempt_at")
        lines.append(f"邮件通知：待发送 {unsent.count()}，其中发送失败待重试 {failing.count()}")
        first = failing.first()
        if first is not None:
            lines.append(
                f"  最早的重试 {_when(first.next_attempt_at)}（已尝试 {first.attempts} 次）：{first.last_error}"
            )

        lines.append("筛查：")
        run = ScreeningRun.objects.select_related("batch").order_by("-id").first()
        if run is None:
            lines.append("  尚无筛查运行")
        else:
            lines.append(
                f"  最近一次：#{run.pk} {run.batch} {run.get_kind_display()}，{run.get_status_display()}，"
                f"数据版本 {run.data_version}，开始 {_when(run.started_at)}，完成 {_when(run.finished_at)}"
            )
        for state in BatchState.objects.select_related("batch").order_by("batch__code"):
            lag = "（待更新）" if state.stale else "（已最新）"
            lines.append(
                f"  {state.batch}：数据版本 {state.data_version}，已筛查到 {state.screened_version}{lag}"
            )

        head = chain_head()
        if head is None:
            lines.append("审计链头：尚无（还没有审计事件）")
        else:
            signed = "签名有效" if is_signed(head) else "签名无效"
            lines.append(
                f"审计链头：共 {head.count} 个事件，最后为事件 #{head.last_id}，哈希 {head.last_hash}，{signed}"
            )
        problem = head_problem()
        lines.append(f"  {problem}" if problem else "  链头与链尾一致（完整校验：greenlist audit verify）")
        return lines
