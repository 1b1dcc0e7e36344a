"""Outbound webhooks: a shop's endpoints, one delivery per (endpoint, event), its attempts,
and the watermarks the event reader keeps (docs/webhooks.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Shop


class EventType(models.TextChoices):
    ORDER_CREATED = "order.created", "Order created"
    ORDER_STATUS_CHANGED = "order.status_changed", "Order status changed"
    REFUND_REQUESTED = "refund.requested", "Refund requested"
    REFUND_DECIDED = "refund.decided", "Refund decided"
    PACKAGE_SHIPPED = "package.shipped", "Package shipped"
    PACKAGE_DELIVERED = "package.delivered", "Package delivered"
    EXPORT_READY = "export.ready", "Export ready"
    TEST = "test", "Test event"


class Endpoint(models.Model):
    """A URL of the seller's own system that wants some of the shop's events, signed."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=120, blank=True)
    events = models.JSONField(default=list, help_text="Event types wanted, e.g. order.created.")
    include_buyer_contact = models.BooleanField(
        default=False, help_text="Deliveries carry buyer contact data unmasked."
    )
    secret = models.CharField(max_length=80, help_text="Signs every delivery (shown once).")
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Events before the endpoint existed are not sent to it (the reader looks back).
    after_order_event_id = models.BigIntegerField(default=0)
    after_export_finished_at = models.DateTimeField(default=timezone.now)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shop", "created_at", "id"]

    def __str__(self) -> str:
        return self.url

    @property
    def event_labels(self) -> str:
        """The events wanted, in words ("Order created, Refund decided")."""
        labels = dict(EventType.choices)
        return ", ".join(labels.get(code, code) for code in self.events)


class Delivery(models.Model):
    """One event for one endpoint, until it is delivered or given up; its attempts below."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    body = models.TextField(help_text="The JSON sent, signed as it is.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)  # the lease of the worker sending
    queued_at = models.DateTimeField(null=True, blank=True)  # so a backlog is queued once
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="delivery_once_per_event")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class Attempt(models.Model):
    """One POST of a delivery and what the endpoint answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=255, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.number} of {self.delivery_id}"


class Watermark(models.Model):
    """How far the event reader has read a source (the timeline, finished exports)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    last_time = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
