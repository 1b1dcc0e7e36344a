"""Tracking in Django admin: parcels with their carrier state, and the scans of each."""

from django.contrib import admin, messages
from django.template.defaultfilters import pluralize
from django.utils import timezone

from accounts.admin_mixins import ReadOnlyAdminMixin
from accounts.tracking_providers import configured_providers
from orders.models import Package
from orders.statuses import FINAL_TRACKING_STATUSES
from tracking.models import TrackingCheckpoint
from tracking.services.dispatch import tracking_dispatch_enqueue
from tracking.services.poll import provider_health


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "shipping_provider_name",
        "order",
        "tracking_status",
        "estimated_delivery_date",
        "last_checkpoint_at",
        "next_poll_at",
        "poll_failures",
    )
    list_filter = (
        "tracking_status",
        "shipping_provider_name",
        "tracking_provider",
        "package_status",
    )
    actions = ["poll_now"]
    search_fields = ("=tracking_number", "=order__order_id")
    list_select_related = ("order",)
    raw_id_fields = ("order",)
    show_full_result_count = False
    readonly_fields = (
        "order",
        "package_id",
        "tracking_status",
        "tracking_substatus",
        "last_checkpoint_at",
        "last_checkpoint_message",
        "created_at",
    )

    def changelist_view(self, request, extra_context=None):
        """Say which tracking providers are degraded (failing, hence paused) right now."""
        for code in configured_providers():
            health = provider_health(code)
            if health["paused"]:
                messages.warning(
                    request,
                    f"Tracking provider {code} is degraded: {health['failures']} failed "
                    f"call{pluralize(health['failures'])} in a row, so polling it is paused for "
                    "a few minutes.",
                )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Poll the carrier now")
    def poll_now(self, request, queryset):
        """Make the chosen parcels due and run the dispatcher (paused providers excepted)."""
        due = queryset.exclude(tracking_status__in=FINAL_TRACKING_STATUSES).exclude(
            tracking_number=""
        )
        count = due.update(next_poll_at=timezone.now(), poll_failures=0)
        tracking_dispatch_enqueue()
        paused = sorted(
            {
                p
                for p in due.values_list("tracking_provider", flat=True)
                if provider_health(p)["paused"]
            }
        )
        note = f" Paused (failing) providers wait: {', '.join(paused)}." if paused else ""
        self.message_user(request, f"{count} parcel(s) will be polled within a minute.{note}")


@admin.register(TrackingCheckpoint)
class TrackingCheckpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "package", "status", "location", "message")
    list_filter = ("status",)
    search_fields = ("=package__tracking_number",)
    list_select_related = ("package",)
    show_full_result_count = False
