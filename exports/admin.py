from django.contrib import admin

from accounts.admin_mixins import ReadOnlyAdminMixin
from exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Jobs are created by the portal and advanced by workers; admin only inspects them."""

    list_display = (
        "id",
        "requested_by",
        "template",
        "format",
        "status",
        "rows_done",
        "rows_total",
        "size_bytes",
        "created_at",
        "expires_at",
    )
    list_filter = ("status", "template", "format")
    search_fields = ("requested_by__email", "sha256")
    list_select_related = ("requested_by",)
