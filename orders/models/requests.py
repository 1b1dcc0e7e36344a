"""A buyer's after-sale request as TikTok holds it: a cancellation before shipping, a return
or refund after it. TikTok owns the request; the sync and webhooks 11/12 store what it says,
and the portal's answer (approve, reject) goes to TikTok through the outbox. `awaits_seller`
is stored, not computed, so that the needs-action counters and the list's filter are one
indexed condition."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.models.fields import money
from orders.models.order import Order
from orders.statuses import RequestKind, RequestStatus, RequestType


class BuyerRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="buyer_requests")
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    # TikTok's cancel_id or return_id.
    request_id = models.CharField(max_length=32)
    request_type = models.CharField(max_length=24, choices=RequestType.choices)
    status = models.CharField(max_length=40, choices=RequestStatus.choices)
    # Who asked: BUYER, SELLER, SYSTEM or OPERATOR (TikTok's customer service).
    role = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=160, blank=True)  # TikTok's reason key
    reason_text = models.CharField(max_length=255, blank=True)  # its words, localized
    currency = models.CharField(max_length=3, blank=True)
    refund_total = money()
    # refund_subtotal, refund_shipping_fee, refund_tax, … as TikTok's decimal strings.
    refund_breakdown = models.JSONField(default=dict, blank=True)
    # One entry per request line: order_line_item_id, sku_id, seller_sku, product_name,
    # sku_name, refund_total.
    items = models.JSONField(default=list, blank=True)
    # TikTok's seller_next_action_response: what the seller must do (SELLER_RESPOND_CANCEL,
    # SELLER_RESPOND_REFUND, …) and by when; empty once nothing is asked of the seller.
    seller_action = models.CharField(max_length=40, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    awaits_seller = models.BooleanField(default=False)
    return_tracking_number = models.CharField(max_length=64, blank=True)
    return_provider = models.CharField(max_length=80, blank=True)
    tiktok_created_at = models.DateTimeField(null=True, blank=True)
    tiktok_updated_at = models.DateTimeField(null=True, blank=True)
    stored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "-tiktok_created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "request_id"], name="buyer_request_once"),
        ]
        indexes = [
            models.Index(
                fields=["order"],
                condition=Q(awaits_seller=True),
                name="buyer_request_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request_id} ({self.get_status_display()})"
