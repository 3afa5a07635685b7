"""The pool is edited here as well as on the web (audited like every admin change); the review,
meeting and 公示 records are read-only here: they change only through their own moves."""

from django.contrib import admin

from greenlist.admin_site import ProvinceAdmin, ReadOnlyAdmin
from greenlist.selection import models


@admin.register(models.Expert)
class ExpertAdmin(ProvinceAdmin):
    list_display = ["name", "field", "organisation", "unit", "user", "active"]
    list_filter = ["active", "unit"]
    search_fields = ["name", "organisation", "field"]


@admin.register(models.ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["expert", "application", "declared_at", "total", "withdrawn_at"]


@admin.register(models.ReviewMeeting)
class ReviewMeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "held_on", "batch"]


@admin.register(models.PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "batch", "starts_on", "ends_on", "finalised_at"]


@admin.register(models.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["listed_name", "name", "received_on", "outcome", "closed_at"]
