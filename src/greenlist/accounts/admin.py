from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from greenlist.accounts.models import ApiToken, ClaimCode, OrganisationClaim, User
from greenlist.admin_site import ProvinceAdmin, ReadOnlyAdmin
from greenlist.audit.admin_changes import HIDDEN, record_admin_change


@admin.register(User)
class UserAdmin(ProvinceAdmin, BaseUserAdmin):
    list_display = ["username", "role", "unit", "organisation", "evaluator", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("角色与范围", {"fields": ("role", "unit", "department", "organisation", "evaluator")}),
    )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's password view saves the form itself, past save_model: audit it here.
        with transaction.atomic():
            user: Any = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                after = User._base_manager.filter(pk=user.pk).values_list("password", flat=True).first()
                if after != before:
                    record_admin_change(
                        request, user, "changed", {"changes": {"password": {"old": HIDDEN, "new": HIDDEN}}}
                    )
            return response


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
