from django.contrib import admin

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
    list_display = ["name", "uscc", "declaration_signed_at"]
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


@admin.register(models.NegativeRecord)
class NegativeRecordAdmin(ProvinceAdmin):
    list_display = ["name", "uscc", "type", "start", "end", "source"]
    list_filter = ["type"]
    search_fields = ["name", "uscc"]
    date_hierarchy = "start"
