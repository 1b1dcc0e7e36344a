"""A shipment the marketplace refused, taken back: the order is again as it was before the
person added the parcel, and its timeline says what the marketplace answered, in words.

Called by the app that talks to the marketplace (orders.platform) when its outbox gives up
on an action; the local change and the refusal are one transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from orders.models import Order, OrderEvent, Package
from orders.services.sales_rollups import sales_days_touched
from orders.statuses import (
    ActorType,
    EventKind,
    LineStatus,
    OrderStatus,
    PackageStatus,
    TrackingStatus,
)

# What a parcel the marketplace already knew (an id, no tracking number) goes back to.
PACKAGE_WAITING = {
    "tracking_number": "",
    "shipping_provider_name": "",
    "tracking_provider": "",
    "package_status": PackageStatus.TO_FULFILL,
    "tracking_status": TrackingStatus.PENDING,
    "next_poll_at": None,
}


def shipment_before(order: Order) -> dict:
    """What a shipment changes on the order (locked), kept so that a refusal puts it back."""
    return {
        "status": order.status,
        "update_time": order.update_time.isoformat(),
        "rts_time": order.rts_time.isoformat() if order.rts_time else None,
    }


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@transaction.atomic
def order_shipment_undo(
    *, order_pk: int, package_pk: int, previous: dict, explanation: str, answer: dict
) -> OrderEvent:
    """Take the parcel off (or its number, from a package the marketplace made), put the
    order back in the status it had if nothing moved it since, and record the refusal:
    `explanation` for the seller, `answer` (code, message, request id) kept beside it."""
    order = Order.objects.select_for_update().get(pk=order_pk)
    package = Package.objects.filter(pk=package_pk, order=order).first()
    if package is not None and previous.get("package_created", True):
        package.delete()  # its lines are free again (SET_NULL)
    elif package is not None:
        for name, value in PACKAGE_WAITING.items():
            setattr(package, name, value)
        package.save(update_fields=list(PACKAGE_WAITING))
    before = previous.get("status")
    restored = ""
    if order.status == OrderStatus.AWAITING_COLLECTION and before == OrderStatus.AWAITING_SHIPMENT:
        order.status = before
        # TikTok's next answer about the order is newer than this again, and is stored.
        order.update_time = _time(previous.get("update_time")) or order.update_time
        order.rts_time = _time(previous.get("rts_time"))
        order.save(update_fields=["status", "update_time", "rts_time", "modified_at"])
        sales_days_touched([order])
        order.lines.filter(display_status=LineStatus.AWAITING_COLLECTION).update(
            display_status=LineStatus.AWAITING_SHIPMENT
        )
        restored = before
    return refusal_record(order, explanation, answer, restored)


def refusal_record(order: Order, explanation: str, answer: dict, restored: str) -> OrderEvent:
    """The timeline's "Refused by TikTok" entry: `explanation` in a seller's words, the
    marketplace's `answer` (code, message, request id) beside it, and the status put back."""
    return OrderEvent.objects.create(
        order=order,
        kind=EventKind.REFUSED,
        actor_type=ActorType.TIKTOK,
        occurred_at=timezone.now(),
        payload={**answer, "message": explanation, "restored_status": restored},
    )
