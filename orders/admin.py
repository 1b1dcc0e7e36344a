"""Django admin for orders. Data that comes from TikTok is read-only; status changes go
through orders.services.status, never through a form field."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from accounts.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInline
from orders.filter_words import filters_text
from orders.models import (
    BILLING_ADDRESS_FIELDS,
    LATER_TIMES,
    PAYMENT_FIELDS,
    RECIPIENT_FIELDS,
    SHIPPING_ADDRESS_FIELDS,
    BuyerRequest,
    Order,
    OrderEvent,
    OrderLine,
    Package,
    Refund,
    SavedView,
)
from orders.selectors.timeline import event_detail, event_title
from orders.services.sales_rollups import sales_days_touched


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


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # Six columns fit beside the admin's navigation at 1280 px (the buyer is searchable).
    list_display = ("order_id", "shop", "status", "recipient_name", "total", "created")
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
            {"fields": (*RECIPIENT_FIELDS, *SHIPPING_ADDRESS_FIELDS)},
        ),
        (
            "Billing address",
            {
                "classes": ("collapse",),
                "fields": BILLING_ADDRESS_FIELDS,
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
            {"fields": ("create_time", *LATER_TIMES, "shipping_due_time", "delivery_due_time")},
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

    @admin.display(description="Total", ordering="total_amount")
    def total(self, order: Order) -> str:
        return f"{order.total_amount} {order.currency}"

    @admin.display(description="Created", ordering="create_time")
    def created(self, order: Order) -> str:
        """In the shop's time zone, as the portal's own pages show it."""
        return f"{timezone.localtime(order.create_time, order.shop.zone):%Y-%m-%d %H:%M}"

    def get_readonly_fields(self, request, obj=None):
        # Everything but the seller's own note comes from TikTok.
        names = [f.name for f in Order._meta.get_fields() if f.concrete and not f.auto_created]
        return [name for name in names if name != "seller_note"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        with transaction.atomic():  # the order's sales day, recomputed without it
            day = (obj.shop_id, obj.create_time)
            super().delete_model(request, obj)
            sales_days_touched([day])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            days = list(queryset.values_list("shop_id", "create_time"))
            super().delete_queryset(request, queryset)
            sales_days_touched(days)


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


@admin.register(BuyerRequest)
class BuyerRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Buyers' requests as TikTok last said them, for support: never edited here."""

    list_display = ("order", "kind", "request_type", "status", "answer", "deadline", "stored_at")
    list_filter = ("kind", "status", "awaits_seller", "order__shop")
    search_fields = ("=request_id", "=order__order_id")
    list_select_related = ("order",)


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
        return filters_text(view.query_string, [view.shop])
