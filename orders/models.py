"""The TikTok Shop order model (SPEC §3): orders, lines, packages, tracking, events, refunds.

Field names follow TikTok's Open API (reference/tiktok.md §2.2) so that imports, API syncs and
webhooks land without translation. Money is Decimal in the order's currency; times are UTC.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Shop
from orders.statuses import (
    ActorType,
    CancelInitiator,
    EventKind,
    FulfillmentType,
    LineStatus,
    OrderStatus,
    OrderType,
    PackageStatus,
    RefundStatus,
    TrackingStatus,
)

ZERO = Decimal("0.00")
tiktok_order_id_validator = RegexValidator(
    r"^\d{18,19}$", "A TikTok order id is an 18–19 digit number."
)


def money(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    """A non-negative amount in the order's currency."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


# Money columns of the TikTok payment breakdown, in TikTok's order (reference/tiktok.md §2.2).
PAYMENT_FIELDS = (
    "original_total_product_price",
    "seller_discount",
    "platform_discount",
    "sub_total",
    "original_shipping_fee",
    "shipping_fee_seller_discount",
    "shipping_fee_platform_discount",
    "shipping_fee",
    "tax",
    "retail_delivery_fee",
    "total_amount",
)


# Times that can only come after the order was created.
LATER_TIMES = (
    "paid_time",
    "rts_time",
    "collection_time",
    "delivery_time",
    "cancel_time",
    "update_time",
)


def _non_negative(fields: tuple[str, ...], prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(**{f"{name}__gte": 0}), name=f"{prefix}_{name}_gte_0")
        for name in fields
    ]


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
            *_non_negative((*PAYMENT_FIELDS, "refunded_amount"), "order"),
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
        # Composite indexes follow the list's filters and sorts (SPEC §5): the shop comes
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
                condition=Q(status__in=["AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"]),
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

    @property
    def refundable_amount(self) -> Decimal:
        return self.total_amount - self.refunded_amount


class OrderLine(models.Model):
    """One SKU in an order, with its quantity and its share of the discounts."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    package = models.ForeignKey(
        "Package", null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    sku_id = models.CharField("SKU ID", max_length=32)
    seller_sku = models.CharField("seller SKU", max_length=64, blank=True)
    product_id = models.CharField(max_length=32, blank=True)
    product_name = models.CharField(max_length=255)
    variation = models.CharField(max_length=120, blank=True, help_text="e.g. “Black, XL”")
    product_category = models.CharField(max_length=120, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    returned_quantity = models.PositiveIntegerField(default=0)
    unit_original_price = money("SKU unit original price")
    subtotal_before_discount = money("SKU subtotal before discount")
    platform_discount = money("SKU platform discount")
    seller_discount = money("SKU seller discount")
    subtotal_after_discount = money("SKU subtotal after discount")
    display_status = models.CharField(max_length=24, choices=LineStatus.choices)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="line_returned_within_quantity",
            ),
            *_non_negative(
                (
                    "unit_original_price",
                    "subtotal_before_discount",
                    "platform_discount",
                    "seller_discount",
                    "subtotal_after_discount",
                ),
                "line",
            ),
        ]
        indexes = [
            models.Index(fields=["seller_sku"], name="line_seller_sku_idx"),
            models.Index(fields=["sku_id"], name="line_sku_id_idx"),
            models.Index(fields=["product_category"], name="line_category_idx"),
            # "first line of the order" in the list's items summary
            models.Index(fields=["order", "id"], name="line_order_first_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def discount_total(self) -> Decimal:
        return self.seller_discount + self.platform_discount


class Package(models.Model):
    """A parcel of an order with its carrier, tracking number and normalized tracking status."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="packages")
    package_id = models.CharField("package ID", max_length=32, blank=True)
    shipping_provider_name = models.CharField("carrier", max_length=80, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    tracking_provider = models.CharField(
        max_length=16, blank=True, help_text="Which tracking service polls this parcel."
    )
    package_status = models.CharField(
        max_length=16, choices=PackageStatus.choices, default=PackageStatus.TO_FULFILL
    )
    tracking_status = models.CharField(
        max_length=24, choices=TrackingStatus.choices, default=TrackingStatus.PENDING
    )
    tracking_substatus = models.CharField(
        max_length=64, blank=True, help_text="The provider's own status, as given."
    )
    estimated_delivery_date = models.DateField(null=True, blank=True)
    last_checkpoint_at = models.DateTimeField(null=True, blank=True)
    last_checkpoint_message = models.CharField(max_length=255, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["tracking_number"], name="package_tracking_number_idx"),
            models.Index(fields=["tracking_status"], name="package_tracking_status_idx"),
            models.Index(fields=["shipping_provider_name"], name="package_carrier_idx"),
            models.Index(fields=["tracking_provider", "next_poll_at"], name="package_due_idx"),
            models.Index(fields=["order", "id"], name="package_order_first_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.shipping_provider_name} {self.tracking_number}".strip() or "package"


class OrderEvent(models.Model):
    """The order's one append-only timeline: status, tracking, notes, messages, refunds."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor_type = models.CharField(max_length=8, choices=ActorType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_events",
    )
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    # The import job whose file created or changed the order (an IMPORTED event): the order
    # list's `import` filter lists exactly those orders.
    import_job = models.ForeignKey(
        "imports.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["order", "occurred_at", "id"]
        indexes = [
            models.Index(fields=["order", "occurred_at"], name="event_order_occurred_idx"),
            models.Index(fields=["kind", "-occurred_at"], name="event_kind_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_actor_type_display()})"


class Refund(models.Model):
    """A refund of an amount or of lines and quantities; REQUESTED → APPROVED → COMPLETED."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = money()
    reason = models.CharField(max_length=255)
    includes_shipping = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds_requested",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds_approved",
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=RefundStatus.values), name="refund_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "order"], name="refund_status_order_idx")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        """A new refund flags its order (`Order.has_refund`, which the list filters on)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            Order.objects.filter(pk=self.order_id, has_refund=False).update(has_refund=True)


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="refund_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refundline_quantity_gte_1"),
            models.UniqueConstraint(fields=["refund", "line"], name="refundline_unique_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"


class SavedView(models.Model):
    """A named set of list filters; no owner means shared with everyone in the shop."""

    name = models.CharField(max_length=80)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    query_string = models.CharField(
        max_length=2000, blank=True, help_text="Canonical query string of /orders/"
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "owner", "name"], name="savedview_unique_personal_name"
            ),
            models.UniqueConstraint(
                fields=["shop", "name"],
                condition=Q(owner__isnull=True),
                name="savedview_unique_shared_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name
