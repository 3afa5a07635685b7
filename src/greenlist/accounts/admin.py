from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from greenlist.accounts.models import ApiToken, User
from greenlist.admin_site import ProvinceAdmin


@admin.register(User)
class UserAdmin(ProvinceAdmin, BaseUserAdmin):
    list_display = ["username", "role", "unit", "organisation", "evaluator", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("角色与范围", {"fields": ("role", "unit", "department", "organisation", "evaluator")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ProvinceAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
