import datetime as dt
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from greenlist.admin_site import ProvinceAdmin, ReadOnlyAdmin
from greenlist.registry import models


@admin.register(models.RecommendingUnit)
class RecommendingUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "bureau"]


@admin.register(models.Organisation)
class OrganisationAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "unit", "industry"]
    list_filter = ["unit"]
    search_fields = ["name", "uscc"]


@admin.register(models.Evaluator)
class EvaluatorAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "legal_entity_uscc"]
    search_fields = ["name", "uscc"]


@admin.register(models.Diagnosis)
class DiagnosisAdmin(ProvinceAdmin):
    list_display = ["evaluator", "client_uscc", "day", "client_province"]
    list_filter = ["client_province"]
    search_fields = ["client_uscc", "evaluator__name"]


@admin.register(models.BlacklistEntry)
class BlacklistEntryAdmin(ProvinceAdmin):
    list_display = ["evaluator_uscc", "listed_on", "reason"]
    search_fields = ["evaluator_uscc"]


@admin.register(models.ProvincialListEntry)
class ProvincialListEntryAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "category", "level", "unit", "year", "status", "revoked_on"]
    list_filter = ["category", "level", "status", "unit"]
    search_fields = ["name", "uscc"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The register's history follows a change made here as it follows an import.
        with transaction.atomic():
            before = models.ProvincialListEntry.objects.filter(pk=obj.pk).first() if change else None
            super().save_model(request, obj, form, change)
            record_admin_history(obj, before, request.user)


@admin.register(models.NegativeRecord)
class NegativeRecordAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "type", "start", "end", "source"]
    list_filter = ["type"]
    search_fields = ["name", "uscc"]
    date_hierarchy = "start"


# The register's history and proposals change only through their write paths (the 省级名单
# import, proposals and their approval): the admin shows them read-only.
@admin.register(models.RegisterEvent)
class RegisterEventAdmin(ReadOnlyAdmin):
    list_display = ["entry", "on", "kind", "old_name", "new_name", "document_number"]
    list_filter = ["kind"]
    search_fields = ["entry__name", "entry__uscc", "old_name", "new_name", "document_number"]
    date_hierarchy = "on"


@admin.register(models.FormerName)
class FormerNameAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "entry", "until"]
    search_fields = ["name", "uscc"]


@admin.register(models.RegisterProposal)
class RegisterProposalAdmin(ReadOnlyAdmin):
    list_display = ["entry", "kind", "effective_on", "status", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["entry__name", "entry__uscc"]


@admin.register(models.CultivationTarget)
class CultivationTargetAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "category", "level", "unit", "named_on", "valid_until"]
    list_filter = ["level", "category", "unit"]
    search_fields = ["name", "uscc"]


def record_admin_history(
    entry: models.ProvincialListEntry, before: models.ProvincialListEntry | None, actor: Any
) -> None:
    """History for an entry saved in the admin: a new entry is listed; a new name is a rename
    (the old name kept for matching); a change of status a removal or a reinstatement."""
    today = timezone.localdate()
    who = actor if getattr(actor, "pk", None) else None
    note = "管理后台修改"
    Kind = models.RegisterEvent.Kind
    if before is None:
        models.RegisterEvent.unscoped.create(
            entry=entry,
            on=dt.date(entry.year, 1, 1),
            kind=Kind.LISTED,
            detail=f"{entry.year}年列入（{note}）",
            actor=who,
        )
        return
    if before.name_normalised != entry.name_normalised:
        models.FormerName.objects.get_or_create(
            entry=entry,
            name_normalised=before.name_normalised,
            defaults={"uscc": entry.uscc, "name": before.name, "until": today},
        )
        models.RegisterEvent.unscoped.create(
            entry=entry,
            on=today,
            kind=Kind.RENAMED,
            detail=note,
            old_name=before.name,
            new_name=entry.name,
            actor=who,
        )
    if before.status != entry.status:
        revoked = entry.status == "revoked"
        models.RegisterEvent.unscoped.create(
            entry=entry,
            on=(entry.revoked_on or today) if revoked else today,
            kind=Kind.REVOKED if revoked else Kind.REINSTATED,
            detail=note,
            actor=who,
        )
