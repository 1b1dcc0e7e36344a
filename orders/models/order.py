"""The TikTok order: buyer, addresses, payment breakdown, times and flags.

Field names follow TikTok's Open API (docs/decisions.md) so that imports, API syncs and
webhooks land without translation. Money is Decimal in the order's currency; times are UTC.
"""

from django.db import models
from django.db.models import F, Q

from accounts.models import Shop
from orders.models.fields import (
    LATER_TIMES,
    PAYMENT_FIELDS,
    money,
    non_negative_checks,
    tiktok_order_id_validator,
)
from orders.statuses import TO_SHIP, CancelInitiator, FulfillmentType, OrderStatus, OrderType


class Order(models.Model):
    """One TikTok order (unique per shop by its TikTok order id)."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    order_id = models.CharField("order ID", max_length=19, validators=[tiktok_order_id_validator])
    status = models.CharField(max_length=24, choices=OrderStatus.choices)
    order_type = models.CharField(
        max_length=16, choices=OrderType.choices, default=OrderType.NORMAL
    )

    # Buyer (TikTok gives a relay email and no buyer phone; recipient phone is below).
    buyer_user_id = models.CharField(max_length=32, blank=True)
    buyer_username = models.CharField(max_length=100, blank=True)
    buyer_nickname = models.CharField(max_length=100, blank=True)
    buyer_email = models.CharField(max_length=254, blank=True)
    buyer_message = models.TextField(blank=True, help_text="The buyer's special instructions.")
    seller_note = models.TextField(blank=True)

    # Recipient and shipping address (absent while UNPAID or ON_HOLD).
    recipient_name = models.CharField(max_length=150, blank=True)
    recipient_phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField(max_length=255, blank=True)
    address_line2 = models.CharField(max_length=255, blank=True)
    district = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField("state/province", max_length=120, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    region_code = models.CharField("country/region", max_length=2, blank=True)

    billing_name = models.CharField(max_length=150, blank=True)
    billing_address_line1 = models.CharField(max_length=255, blank=True)
    billing_address_line2 = models.CharField(max_length=255, blank=True)
    billing_city = models.CharField(max_length=120, blank=True)
    billing_state = models.CharField(max_length=120, blank=True)
    billing_postal_code = models.CharField(max_length=20, blank=True)
    billing_region_code = models.CharField(max_length=2, blank=True)

    # Payment breakdown, exactly TikTok's.
    payment_method_name = models.CharField(max_length=80, blank=True)
    currency = models.CharField(max_length=3)
    original_total_product_price = money()
    seller_discount = money()
    platform_discount = money()
    sub_total = money()
    original_shipping_fee = money()
    shipping_fee_seller_discount = money()
    shipping_fee_platform_discount = money()
    shipping_fee = money()
    tax = money()
    retail_delivery_fee = money()
    total_amount = money()
    refunded_amount = money()

    # Timestamps (UTC) in TikTok's names: created, paid, ready-to-ship, collected (shipped),
    # delivered, cancelled, and TikTok's own last update, which orders updates by recency.
    create_time = models.DateTimeField("created")
    paid_time = models.DateTimeField("paid", null=True, blank=True)
    rts_time = models.DateTimeField("ready to ship", null=True, blank=True)
    collection_time = models.DateTimeField("shipped", null=True, blank=True)
    delivery_time = models.DateTimeField("delivered", null=True, blank=True)
    cancel_time = models.DateTimeField("cancelled", null=True, blank=True)
    update_time = models.DateTimeField("updated")
    shipping_due_time = models.DateTimeField("ship by", null=True, blank=True)
    delivery_due_time = models.DateTimeField("deliver by", null=True, blank=True)

    cancel_reason = models.CharField(max_length=255, blank=True)
    cancellation_initiator = models.CharField(
        max_length=8, choices=CancelInitiator.choices, blank=True
    )
    fulfillment_type = models.CharField(
        max_length=40, choices=FulfillmentType.choices, default=FulfillmentType.BY_SELLER
    )
    delivery_option_name = models.CharField(max_length=80, blank=True)
    # TikTok's delivery option (its shipping providers are listed per option) and who ships:
    # SELLER (the seller's carrier, a tracking number) or TIKTOK (labels, pick-up); "" unknown.
    delivery_option_id = models.CharField("delivery option ID", max_length=32, blank=True)
    shipping_type = models.CharField(max_length=8, blank=True)
    warehouse_name = models.CharField(max_length=120, blank=True)

    is_cod = models.BooleanField("cash on delivery", default=False)
    is_sample_order = models.BooleanField(default=False)
    is_on_hold_order = models.BooleanField(default=False)
    is_buyer_request_cancel = models.BooleanField("buyer requested cancel", default=False)
    # The buyer changed where the parcel goes after ordering (TikTok's flag, sync and webhooks).
    has_updated_recipient_address = models.BooleanField(default=False)
    has_refund = models.BooleanField(
        default=False, help_text="A refund was asked for (any outcome); set by Refund.save."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-create_time", "-id"]
        # django-import-export's admin actions (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("import_order", "Can import orders in Django admin"),
            ("export_order", "Can export orders in Django admin"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shop", "order_id"], name="order_unique_shop_order_id"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("total_amount")),
                name="order_refund_within_total",
            ),
            *non_negative_checks((*PAYMENT_FIELDS, "refunded_amount"), "order"),
            # Nothing happens to an order before it exists; date filters rely on it.
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": F("create_time")}),
                    name=f"order_{name}_after_created",
                )
                for name in LATER_TIMES
            ],
        ]
        # Composite indexes follow the list's filters and sorts: the shop comes
        # first because every query is scoped to the user's shops. Trigram indexes for free
        # text are PostgreSQL-only and live in migration 0002, the "paid, newest first" index
        # (DESC NULLS LAST, which SQLite cannot build) in 0003.
        indexes = [
            models.Index(fields=["shop", "-create_time", "-id"], name="order_shop_created_idx"),
            models.Index(fields=["-create_time", "-id"], name="order_created_idx"),
            models.Index(
                fields=["shop", "status", "-create_time"], name="order_shop_status_created_idx"
            ),
            models.Index(fields=["shop", "-update_time", "-id"], name="order_shop_updated_idx"),
            models.Index(fields=["shop", "-total_amount", "-id"], name="order_shop_total_idx"),
            models.Index(fields=["shop", "-collection_time"], name="order_shop_shipped_idx"),
            models.Index(fields=["shop", "-delivery_time"], name="order_shop_delivered_idx"),
            models.Index(fields=["shop", "shipping_due_time"], name="order_shop_ship_by_idx"),
            models.Index(
                fields=["shop", "region_code", "state", "city"], name="order_shop_destination_idx"
            ),
            models.Index(fields=["order_id"], name="order_order_id_idx"),
            models.Index(fields=["shop", "buyer_user_id"], name="order_shop_buyer_idx"),
            # Risk: other orders to the same phone or address around the same time.
            models.Index(fields=["shop", "recipient_phone"], name="order_shop_phone_idx"),
            models.Index(
                fields=["shop", "postal_code", "address_line1"], name="order_shop_address_idx"
            ),
            # Needs-action counters: small partial indexes over the few rows they count.
            models.Index(
                fields=["shop", "shipping_due_time"],
                name="order_to_ship_due_idx",
                condition=Q(status__in=list(TO_SHIP)),
            ),
            models.Index(
                fields=["shop", "status"],
                name="order_cancel_requested_idx",
                condition=Q(is_buyer_request_cancel=True),
            ),
            models.Index(
                fields=["shop", "-create_time", "-id"],
                name="order_with_refund_idx",
                condition=Q(has_refund=True),
            ),
            # The filter bar's lists: a shop's distinct values, one index probe per value.
            models.Index(fields=["shop", "payment_method_name"], name="order_shop_payment_idx"),
            models.Index(fields=["shop", "delivery_option_name"], name="order_shop_delivery_idx"),
        ]

    def __str__(self) -> str:
        return self.order_id
