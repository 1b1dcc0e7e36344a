"""What tracking alone keeps: each carrier scan of a parcel, and the pushed updates already taken.

The parcel itself (`orders.Package`) belongs to the order; its tracking status is on it.
"""

import hashlib

from django.db import models

from orders.statuses import TrackingStatus


def checkpoint_fingerprint(occurred_at, status: str, message: str) -> str:
    """What makes a carrier scan the same scan, however often it is reported."""
    return hashlib.sha256(f"{occurred_at.isoformat()}|{status}|{message}".encode()).hexdigest()


class TrackingCheckpoint(models.Model):
    """One carrier scan. Append-only; duplicates are dropped by their fingerprint."""

    package = models.ForeignKey(
        "orders.Package", on_delete=models.CASCADE, related_name="checkpoints"
    )
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=24, choices=TrackingStatus.choices)
    location = models.CharField(max_length=160, blank=True)
    message = models.CharField(max_length=255, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="sha256(occurred_at|status|message)")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders_trackingcheckpoint"  # created by orders before tracking was an app
        ordering = ["package", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "fingerprint"], name="checkpoint_unique_fingerprint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_status_display()} {self.location}"


class TrackingWebhookEvent(models.Model):
    """A pushed tracking notification already accepted: a repeat of it is dropped."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders_trackingwebhookevent"
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
