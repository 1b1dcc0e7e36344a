"""Refunds of an order, of an amount or of lines and quantities."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.models.fields import money
from orders.models.order import Order
from orders.models.parts import OrderLine
from orders.models.requests import BuyerRequest
from orders.statuses import RefundStatus


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
    # The buyer's request (TikTok's) this refund answers: waiting for approval above the
    # shop's limit, or what TikTok refunded when the request completed.
    buyer_request = models.ForeignKey(
        BuyerRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
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
            # What TikTok refunded for a request is counted once.
            models.UniqueConstraint(
                fields=["buyer_request"],
                condition=Q(status=RefundStatus.COMPLETED),
                name="refund_once_per_buyer_request",
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
