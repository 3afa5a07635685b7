"""`greenlist status`: the worker, the queue, notices, the last screening run and the audit head."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from greenlist.audit.log import chain_head, record
from greenlist.audit.models import Action
from greenlist.campaign.models import WorkerBeat
from greenlist.scoping import unscoped
from greenlist.screening.models import BatchState, ScreeningRun
from greenlist.worker.chores import beat, send_notices


def test_status_prints_worker_queue_screening_and_audit_head(batch, settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["email"]}}
    with unscoped():
        beat("status-worker")
        worker = WorkerBeat.objects.get(worker_id="status-worker")
        for _ in range(2):
            send_notices.enqueue()
        DBTaskResult.objects.filter(pk=DBTaskResult.objects.first().pk).update(status="RUNNING")
        pending = DBTaskResult.objects.filter(queue_name="email", status="READY").count()
        running = DBTaskResult.objects.filter(queue_name="email", status="RUNNING").count()
        state, _ = BatchState.objects.get_or_create(batch=batch)
        BatchState.objects.filter(pk=state.pk).update(data_version=state.screened_version + 3)
        state.refresh_from_db()
        run = ScreeningRun.objects.create(
            batch=batch,
            kind=ScreeningRun.Kind.FULL,
            status=ScreeningRun.Status.DONE,
            data_version=state.screened_version,
            catalogue_version="test",
            started_at=timezone.now() - dt.timedelta(seconds=5),
            finished_at=timezone.now(),
        )
        with transaction.atomic():
            record(
                actor=None, action=Action.REGISTRY_IMPORT, object_type="t", object_id="1", object_label="状态"
            )
        head = chain_head()
    assert head is not None

    call_command("status")
    out = capsys.readouterr().out

    assert f"{worker.host} 进程 {worker.pid}（status-worker）" in out
    assert f"email：等待 {pending}，运行中 {running}，失败 0" in out
    assert f"最近一次：#{run.pk} {batch}" in out
    assert f"数据版本 {state.data_version}，已筛查到 {state.screened_version}（待更新）" in out
    assert f"共 {head.count} 个事件，最后为事件 #{head.last_id}，哈希 {head.last_hash}，签名有效" in out
    assert "链头与链尾一致" in out


def test_status_says_when_no_worker_ever_ran(db, capsys):
    call_command("status")
    assert "从未运行" in capsys.readouterr().out
