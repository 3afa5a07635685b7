"""Readiness: can this instance serve the campaign right now? For load balancers (``/readyz``).

Each check answers (ok, detail); the database check comes first, and the others are not tried
without a database (they would only repeat its error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from greenlist.audit.head import head_problem
from greenlist.scoping import unscoped
from greenlist.worker.chores import worker_last_seen


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


# Migrations found applied stay applied for the life of this process (new migrations come with new
# code, hence a new process), so the migration graph is not rebuilt on every probe.
_migrations_applied = False


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"数据库无法连接：{exc}")
    return Check("database", True, "数据库可连接")


def check_migrations() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = "、".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
            return Check(
                "migrations",
                False,
                f"有 {len(plan)} 个数据库迁移未执行（如 {names}）：请运行 greenlist migrate",
            )
        _migrations_applied = True
    return Check("migrations", True, "数据库迁移均已执行")


def check_worker(now: dt.datetime | None = None) -> Check:
    limit = float(settings.GREENLIST_READY_WORKER_AGE)
    last = worker_last_seen()
    if last is None:
        return Check(
            "worker", False, "从未有后台处理进程（greenlist worker）运行：请启动 greenlist-worker 服务"
        )
    age = ((now or timezone.now()) - last).total_seconds()
    if age > limit:
        return Check(
            "worker",
            False,
            f"后台处理进程最近心跳在 {age:.0f} 秒前（超过 {limit:.0f} 秒）：请检查 greenlist-worker 服务",
        )
    return Check("worker", True, f"后台处理进程最近心跳在 {max(age, 0):.0f} 秒前")


def check_audit() -> Check:
    problem = head_problem()
    if problem:
        return Check("audit", False, problem)
    return Check("audit", True, "审计链头与链尾一致")


def readiness() -> list[Check]:
    database = check_database()
    if not database.ok:
        skipped = "未检查：数据库不可用"
        return [database, *(Check(name, False, skipped) for name in ("migrations", "worker", "audit"))]
    checks = [database, check_migrations()]
    if not checks[-1].ok:
        # Tables of later checks may not exist yet.
        return [*checks, *(Check(name, False, "未检查：数据库迁移未执行") for name in ("worker", "audit"))]
    later: tuple[tuple[str, Callable[[], Check]], ...] = (("worker", check_worker), ("audit", check_audit))
    for name, run in later:
        try:
            with unscoped():
                checks.append(run())
        except DatabaseError as exc:
            checks.append(Check(name, False, f"查询失败：{exc}"))
    return checks
