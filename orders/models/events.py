"""The order's timeline: one append-only table of what happened and who did it."""

from django.conf import settings
from django.db import models

from orders.models.order import Order
from orders.statuses import ActorType, EventKind


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
