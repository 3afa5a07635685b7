"""The Django admin, open to the province role (docs/accounts.md: the province keeps the registries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from greenlist.audit.admin_changes import AuditedAdminMixin


def is_province(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and getattr(user, "is_province", False))


class GreenlistAdminSite(admin.AdminSite):
    site_header = "greenlist 绿色制造名单推荐系统 · 管理后台"
    site_title = "greenlist 管理后台"
    index_title = "基础数据管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_province(request)


class GreenlistAdminConfig(AdminConfig):
    default_site = "greenlist.admin_site.GreenlistAdminSite"


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
