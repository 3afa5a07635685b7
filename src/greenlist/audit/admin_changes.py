"""Django admin changes of domain records, audited like every other state change.

The admin saves and deletes rows itself, past the app's audited write paths; this mixin puts an
audit event in the same transaction: what was added, the old and new values of what changed,
and every value of what was deleted (one event per row, bulk deletes included).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

# No model imports at module level: greenlist.admin_site (the admin's AppConfig, loaded before
# the models are ready) builds its ModelAdmin base class on this mixin.

# Secrets (password hashes, token digests) are never copied into the trail: only that they changed.
HIDDEN = "（已隐藏）"
SECRET_FIELDS = frozenset({"password", "digest"})


def values(obj: models.Model) -> dict[str, Any]:
    """The row's stored column values, as JSON values (dates as ISO text, decimals as text)."""
    row = {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
    clean: dict[str, Any] = json.loads(json.dumps(row, cls=DjangoJSONEncoder, default=str))
    return clean


def related_sets(obj: models.Model) -> dict[str, list[Any]]:
    """Primary keys of each many-to-many field (a user's groups and permissions)."""
    return {
        field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
        for field in obj._meta.many_to_many
    }


def hide_secrets(row: dict[str, Any]) -> dict[str, Any]:
    return {name: HIDDEN if name in SECRET_FIELDS else value for name, value in row.items()}


def differences(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": HIDDEN, "new": HIDDEN}
        if name in SECRET_FIELDS
        else {"old": old.get(name), "new": value}
        for name, value in new.items()
        if old.get(name) != value
    }


def record_admin_change(request: HttpRequest, obj: models.Model, kind: str, details: dict[str, Any]) -> None:
    """``kind``: ``added``, ``changed`` or ``deleted``."""
    from greenlist.audit.log import record
    from greenlist.audit.models import Action
    from greenlist.registry.models import RecommendingUnit

    action = {
        "added": Action.ADMIN_RECORD_ADDED,
        "changed": Action.ADMIN_RECORD_CHANGED,
        "deleted": Action.ADMIN_RECORD_DELETED,
    }[kind]
    unit = getattr(obj, "unit", None)
    record(
        actor=request.user,
        action=action,
        obj=obj,
        unit=unit if isinstance(unit, RecommendingUnit) else None,
        reason="通过管理后台",
        details=details,
    )


class AuditedAdminMixin(admin.ModelAdmin):
    """Audit every add, change and delete (single and bulk) made through this model admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        with transaction.atomic():
            before = values(type(obj)._base_manager.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            after = values(obj)
            if before is None:
                record_admin_change(request, obj, "added", {"new": hide_secrets(after)})
            elif changes := differences(before, after):
                record_admin_change(request, obj, "changed", {"changes": changes})

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: list[BaseFormSet[Any]], change: bool
    ) -> None:
        obj = form.instance
        with transaction.atomic():
            before = related_sets(obj)
            super().save_related(request, form, formsets, change)
            if changes := differences(before, related_sets(obj)):
                record_admin_change(request, obj, "changed", {"changes": changes})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            # Recorded first: after the delete the object has no primary key left to name.
            record_admin_change(request, obj, "deleted", {"deleted": hide_secrets(values(obj))})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        # The admin's bulk delete action runs outside the change views' transaction: open one.
        with transaction.atomic():
            for obj in queryset:
                record_admin_change(request, obj, "deleted", {"deleted": hide_secrets(values(obj))})
            super().delete_queryset(request, queryset)
