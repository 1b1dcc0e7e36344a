"""What an order is made of: its lines (SKUs) and its packages (parcels)."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from orders.models.fields import money, non_negative_checks
from orders.models.order import Order
from orders.statuses import LineStatus, PackageStatus, TrackingStatus


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
            *non_negative_checks(
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
