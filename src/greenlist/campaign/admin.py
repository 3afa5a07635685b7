from django.conf import settings
from django.contrib import admin

from greenlist.admin_site import ProvinceAdmin, ReadOnlyAdmin
from greenlist.campaign import models


@admin.register(models.Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["title", "code", "province_name", "file_name"]
    readonly_fields = ["province_name"]
    exclude = ["province"]

    @admin.display(description="省份")
    def province_name(self, batch: models.Batch) -> str:
        # The province's Chinese name from its data file (the row stores its code, e.g. hebei).
        from greenlist.web.context import province_name

        return province_name() if batch.province == settings.GREENLIST_PROVINCE else batch.province


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read-only here: state changes go through the audited workflow, not the admin."""

    list_display = ["organisation", "category", "unit", "method", "evaluator", "state", "submitted_at"]
    list_filter = ["category", "state", "method", "unit"]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation", "unit", "evaluator"]


@admin.register(models.Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "department", "agrees", "recorded_at"]


@admin.register(models.UnitSubmission)
class UnitSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "batch", "submitted_at", "reopened_until", "quota_override"]


admin.site.register(models.Attachment, ProvinceAdmin)


@admin.register(models.Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    """Read-only: requests are answered by the evaluator on its page (audited)."""

    list_display = [
        "application",
        "evaluator",
        "status",
        "requested_at",
        "decided_at",
        "declaration_signed_at",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["application__organisation", "evaluator"]


@admin.register(models.CompanyOpinion)
class CompanyOpinionAdmin(ReadOnlyAdmin):
    """Read-only: departments record opinions and cities their handling on the opinions page."""

    list_display = ["application", "department", "agrees", "document_number", "recorded_at", "handled_at"]
    list_filter = ["department", "agrees"]
    list_select_related = ["application__organisation"]
