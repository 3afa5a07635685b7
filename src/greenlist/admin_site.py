"""The Django admin, open to the province role (docs/accounts.md: the province keeps the registries)."""

from __future__ import annotations

from typing import Any

import axes.apps  # type: ignore[import-untyped]
import django_tasks_db.apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from greenlist.audit.admin_changes import AuditedAdminMixin


def is_province(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and getattr(user, "is_province", False))


class GreenlistAdminSite(admin.AdminSite):
    site_header = "管理后台"
    site_title = "管理后台"
    index_title = "基础数据管理"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        # The product's name comes from the province data file, read when a page is drawn.
        from greenlist.web.context import product_name

        context = super().each_context(request)
        context["site_header"] = f"{product_name()} · 管理后台"
        context["site_title"] = f"{product_name()} 管理后台"
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        return is_province(request)


class GreenlistAdminConfig(AdminConfig):
    default_site = "greenlist.admin_site.GreenlistAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module is registered by now
        _chinese_task_admin()
        # Roles are the user's role field; Django's groups are not used, and their page is English.
        from django.contrib.auth.models import Group

        if admin.site.is_registered(Group):
            admin.site.unregister(Group)


TASK_NAMES = {"screen_pending": "重新筛查", "send_notices": "发送通知", "import_job": "导入数据"}
QUEUE_NAMES = {"screening": "筛查", "email": "通知邮件", "imports": "导入", "default": "默认"}


def _chinese_task_admin() -> None:
    """The worker's task list with Chinese column names and task names (django-tasks-db's own
    admin shows the Python path of each task)."""
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    class TaskResultAdmin(DBTaskResultAdmin):
        list_display = (
            "id",
            "task_label",
            "status",
            "enqueued_at",
            "started_at",
            "finished_at",
            "priority",
            "queue_label",
        )

        @admin.display(description="任务")
        def task_label(self, result: Any) -> str:
            name = result.task_path.rsplit(".", 1)[-1]
            return TASK_NAMES.get(name, name)

        @admin.display(description="队列")
        def queue_label(self, result: Any) -> str:
            return QUEUE_NAMES.get(result.queue_name, result.queue_name)

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, TaskResultAdmin)


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a Chinese name in the admin (its own config has none)."""

    verbose_name = "登录保护"


class TasksDbConfig(django_tasks_db.apps.TasksAppConfig):
    """The worker's task queue (django-tasks-db) under a Chinese name in the admin."""

    verbose_name = "后台任务"


class ProvinceAdmin(AuditedAdminMixin):
    """Model admin for the province role; row permissions follow the role, not Django's perms.
    Every add, change and delete made here writes an audit event (``AuditedAdminMixin``)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_province(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_province(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_province(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_province(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_province(request)


class ReadOnlyAdmin(ProvinceAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
