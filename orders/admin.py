"""Django admin for orders. Data that comes from TikTok is read-only; status changes go
through orders.services.status, never through a form field."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from accounts.models import AuditAction, Shop
from accounts.services import audit_record
from orders.importing.plan import DATE_FORMAT_CHOICES
from orders.models import (
    PAYMENT_FIELDS,
    Order,
    OrderEvent,
    OrderLine,
    Package,
    Refund,
    SavedView,
    TrackingCheckpoint,
)
from orders.resources import (
    ADMIN_EXPORT_MAX_ROWS,
    OrderResource,
    TikTokOrderFileResource,
    formula_notice,
)
from orders.selectors.timeline import event_detail, event_title
from orders.statuses import FINAL_TRACKING_STATUSES
from sellercenter.admin import ReadOnlyAdminMixin, ReadOnlyInline


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "product_name",
        "variation",
        "seller_sku",
        "sku_id",
        "quantity",
        "returned_quantity",
        "unit_original_price",
        "seller_discount",
        "platform_discount",
        "subtotal_after_discount",
        "display_status",
        "package",
    )


class PackageInline(ReadOnlyInline):
    model = Package
    fields = (
        "shipping_provider_name",
        "tracking_number",
        "package_status",
        "tracking_status",
        "estimated_delivery_date",
        "last_checkpoint_at",
        "last_checkpoint_message",
    )


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("occurred_at", "kind", "actor_type", "actor", "payload")
    show_change_link = False


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = (
        "amount",
        "reason",
        "includes_shipping",
        "status",
        "requested_by",
        "approved_by",
        "requested_at",
        "decided_at",
    )


class OrderImportForm(ImportForm):
    """import-export's import form, plus what a TikTok file needs: its shop and date format."""

    shop = forms.ModelChoiceField(
        Shop.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        help_text="For a TikTok file: the shop its orders belong to.",
    )
    date_format = forms.ChoiceField(
        required=False, choices=DATE_FORMAT_CHOICES, label="Dates in a TikTok file"
    )
    field_order = ["resource", "shop", "date_format", "import_file", "format"]


class OrderConfirmImportForm(ConfirmImportForm):
    shop = forms.ModelChoiceField(
        Shop.objects.all(), required=False, to_field_name="slug", widget=forms.HiddenInput
    )
    date_format = forms.ChoiceField(
        required=False, choices=DATE_FORMAT_CHOICES, widget=forms.HiddenInput
    )


@admin.register(Order)
class OrderAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [OrderResource]
    import_form_class = OrderImportForm
    confirm_form_class = OrderConfirmImportForm

    def get_import_resource_classes(self, request):
        return [OrderResource, TikTokOrderFileResource]

    def get_export_resource_classes(self, request):
        return [OrderResource]

    def get_import_resource_kwargs(self, request, **kwargs):
        chosen = getattr(kwargs.get("form"), "cleaned_data", None) or {}
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "shop": chosen.get("shop"),
            "date_format": chosen.get("date_format"),
        }

    def import_action(self, request, **kwargs):
        """import-export's upload and preview, plus a notice of the cells kept as typed that
        look like spreadsheet formulas, on the page that asks to confirm."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        notice = formula_notice(context["result"]) if context.get("confirm_form") else ""
        if notice:
            messages.warning(request, notice)
        return response

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            shop = import_form.cleaned_data.get("shop")
            initial["shop"] = shop.slug if shop else ""
            initial["date_format"] = import_form.cleaned_data.get("date_format", "")
        return initial

    list_display = (
        "order_id",
        "shop",
        "status",
        "buyer_username",
        "recipient_name",
        "total_amount",
        "currency",
        "create_time",
    )
    list_filter = (
        "shop",
        "status",
        "fulfillment_type",
        "is_buyer_request_cancel",
        "is_on_hold_order",
        "is_sample_order",
        "order_type",
    )
    search_fields = ("=order_id", "buyer_username", "recipient_name", "=packages__tracking_number")
    list_select_related = ("shop",)
    show_full_result_count = False  # COUNT(*) over a million rows is the slowest part
    list_per_page = 50
    inlines = [OrderLineInline, PackageInline, RefundInline, OrderEventInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "shop",
                    "order_id",
                    "status",
                    "order_type",
                    "fulfillment_type",
                    "delivery_option_name",
                    "warehouse_name",
                )
            },
        ),
        (
            "Buyer",
            {
                "fields": (
                    "buyer_username",
                    "buyer_nickname",
                    "buyer_email",
                    "buyer_user_id",
                    "buyer_message",
                    "seller_note",
                )
            },
        ),
        (
            "Shipping address",
            {
                "fields": (
                    "recipient_name",
                    "recipient_phone",
                    "address_line1",
                    "address_line2",
                    "district",
                    "city",
                    "state",
                    "postal_code",
                    "region_code",
                )
            },
        ),
        (
            "Billing address",
            {
                "classes": ("collapse",),
                "fields": (
                    "billing_name",
                    "billing_address_line1",
                    "billing_address_line2",
                    "billing_city",
                    "billing_state",
                    "billing_postal_code",
                    "billing_region_code",
                ),
            },
        ),
        (
            "Payment",
            {
                "fields": (
                    "payment_method_name",
                    "currency",
                    *PAYMENT_FIELDS,
                    "refunded_amount",
                )
            },
        ),
        (
            "Times (UTC)",
            {
                "fields": (
                    "create_time",
                    "paid_time",
                    "rts_time",
                    "collection_time",
                    "delivery_time",
                    "cancel_time",
                    "update_time",
                    "shipping_due_time",
                    "delivery_due_time",
                )
            },
        ),
        (
            "Cancellation and flags",
            {
                "fields": (
                    "cancel_reason",
                    "cancellation_initiator",
                    "is_cod",
                    "is_sample_order",
                    "is_on_hold_order",
                    "is_buyer_request_cancel",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # Everything but the seller's own note comes from TikTok.
        names = [f.name for f in Order._meta.get_fields() if f.concrete and not f.auto_created]
        return [name for name in names if name != "seller_note"]

    def has_add_permission(self, request):
        return False

    def export_action(self, request):
        """Small ad-hoc exports only: larger ones belong to /exports/ (streamed, in a worker)."""
        if request.method == "POST":
            count = (
                self.get_export_queryset(request).order_by()[: ADMIN_EXPORT_MAX_ROWS + 1].count()
            )
            if count > ADMIN_EXPORT_MAX_ROWS:
                messages.error(
                    request,
                    f"More than {ADMIN_EXPORT_MAX_ROWS:,} orders: filter further, or use Exports "
                    "in the portal, which has no size limit.",
                )
                return redirect("admin:orders_order_changelist")
            audit_record(
                action=AuditAction.EXPORT_CREATED,
                actor=request.user,
                target="Django admin export",
                request=request,
                payload={"rows": count, "filters": request.GET.urlencode()},
            )
        return super().export_action(request)


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
        from orders.carriers import configured_providers
        from orders.services.tracking_poll import provider_health

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
        from orders.services.tracking_poll import provider_health
        from orders.tasks import tracking_dispatch

        due = queryset.exclude(tracking_status__in=FINAL_TRACKING_STATUSES).exclude(
            tracking_number=""
        )
        count = due.update(next_poll_at=timezone.now(), poll_failures=0)
        tracking_dispatch.delay()
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


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "order", "kind", "what_happened", "actor_type", "actor")
    list_filter = ("kind", "actor_type")
    search_fields = ("=order__order_id",)
    list_select_related = ("order", "actor")
    show_full_result_count = False

    @admin.display(description="What happened")
    def what_happened(self, event: OrderEvent) -> str:
        """The payload in words, as the order's timeline says it."""
        detail = event_detail(event)
        return (f"{event_title(event)}: {detail}" if detail else event_title(event))[:200]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "amount",
        "status",
        "reason",
        "requested_by",
        "approved_by",
        "requested_at",
    )
    list_filter = ("status", "order__shop")
    search_fields = ("=order__order_id", "reason")
    list_select_related = ("order", "requested_by", "approved_by")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "shop", "owner", "is_default", "filters")
    list_filter = ("shop", "is_default")
    search_fields = ("name", "owner__email")
    list_select_related = ("shop", "owner")
    autocomplete_fields = ("owner", "shop")

    @admin.display(description="Filters")
    def filters(self, view: SavedView) -> str:
        """The view's filters in words, as the order list's chips and the exports say them."""
        from exports.descriptions import filters_text  # exports builds on orders

        return filters_text(view.query_string, [view.shop])
