from django.contrib import admin

from greenlist.admin_site import ReadOnlyAdmin
from greenlist.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_label", "unit", "reason"]
    list_filter = ["action", "unit"]
    search_fields = ["object_label", "actor_label", "reason"]
    date_hierarchy = "at"
