from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from greenlist.accounts.models import ApiToken, ClaimCode, OrganisationClaim, User
from greenlist.admin_site import ProvinceAdmin, ReadOnlyAdmin


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
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]


# Claims and codes change only through accounts.claims (audited): the admin only shows them.
@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(ReadOnlyAdmin):
    list_display = ["user", "stated_name", "organisation", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state"]


@admin.register(ClaimCode)
class ClaimCodeAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "created_by", "created_at", "expires_at", "used_at", "used_by"]
    exclude = ["code_hash"]
