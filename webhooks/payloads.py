"""What a delivery says: the event's type from a timeline entry, and its JSON body.

An event is `{"id", "type", "created", "api_version", "data"}`; `data.order` is the order as
it is when the event is read, its buyer contact masked as accounts/masking.py masks it for a
role without "see buyer contact" unless the endpoint may have it (docs/webhooks.md).
"""

import json
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from accounts.masking import mask_value
from orders.models.fields import RECIPIENT_FIELDS as ORDER_RECIPIENT_FIELDS
from orders.models.fields import SHIPPING_ADDRESS_FIELDS
from orders.statuses import EventKind, RefundStatus, TrackingStatus
from webhooks.models import EventType

API_VERSION = "2026-12-01"
BUYER_FIELDS = ("buyer_username", "buyer_nickname", "buyer_email")
RECIPIENT_FIELDS = (*ORDER_RECIPIENT_FIELDS, *SHIPPING_ADDRESS_FIELDS)
# The timeline kinds that can become an event (the reader asks only for these).
KINDS = (
    EventKind.CREATED,
    EventKind.STATUS_CHANGED,
    EventKind.REFUND,
    EventKind.TRACKING_UPDATED,
    EventKind.IMPORTED,
)


def event_type_of(kind: str, payload: dict) -> str | None:
    """The webhook event a timeline entry is, or None when it is none of them."""
    if kind == EventKind.CREATED:
        return EventType.ORDER_CREATED
    if kind == EventKind.STATUS_CHANGED:
        return EventType.ORDER_STATUS_CHANGED
    if kind == EventKind.IMPORTED:  # a file's order: new, or its status changed
        if payload.get("created"):
            return EventType.ORDER_CREATED
        if payload.get("from") and payload.get("from") != payload.get("to"):
            return EventType.ORDER_STATUS_CHANGED
        return None
    if kind == EventKind.REFUND:
        requested = payload.get("status") == RefundStatus.REQUESTED
        return EventType.REFUND_REQUESTED if requested else EventType.REFUND_DECIDED
    if kind == EventKind.TRACKING_UPDATED:
        if "to" not in payload:  # a person (or TikTok) gave the parcel its tracking number
            return EventType.PACKAGE_SHIPPED
        if payload.get("to") == TrackingStatus.DELIVERED:
            return EventType.PACKAGE_DELIVERED
    return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


# The order's columns a delivery reads (`order_data`), so the reader loads only these.
ORDER_FIELDS = (
    "order_id", "shop__slug", "status", "currency", "total_amount", "refunded_amount",
    "create_time", "update_time", *BUYER_FIELDS, *RECIPIENT_FIELDS,
)  # fmt: skip


def order_data(order, *, unmasked: bool) -> dict:
    """The order as a delivery shows it; buyer contact masked unless `unmasked`."""

    def contact(fields):
        return {
            name: (value if unmasked else mask_value(name, value))
            for name in fields
            if (value := getattr(order, name))
        }

    return {
        "id": order.order_id,
        "shop": order.shop.slug,
        "status": order.status,
        "currency": order.currency,
        "total_amount": str(order.total_amount),
        "refunded_amount": str(order.refunded_amount),
        "created": _iso(order.create_time),
        "updated": _iso(order.update_time),
        "buyer": contact(BUYER_FIELDS),
        "recipient": contact(RECIPIENT_FIELDS),
        "contact_masked": not unmasked,
    }


# What of a timeline entry's payload a delivery repeats, per event type.
CHANGE_FIELDS = {
    EventType.ORDER_STATUS_CHANGED: ("from", "to", "reason"),
    EventType.REFUND_REQUESTED: ("refund", "status", "amount", "reason"),
    EventType.REFUND_DECIDED: ("refund", "status", "amount", "reason"),
    EventType.PACKAGE_SHIPPED: ("carrier", "tracking_number"),
    EventType.PACKAGE_DELIVERED: ("package", "tracking_number", "to", "location"),
}


def order_event_body(event, event_type: str, *, unmasked: bool) -> str:
    """The JSON of a timeline entry's event, for one endpoint's masking."""
    fields = CHANGE_FIELDS.get(event_type, ())
    change = {name: event.payload[name] for name in fields if name in (event.payload or {})}
    data = {"order": order_data(event.order, unmasked=unmasked), "change": change}
    return envelope(f"evt_{event.pk}", event_type, event.occurred_at, data)


def export_body(job, *, shop) -> str:
    """The "export ready" event as `shop`'s endpoints get it: an export of several shops
    names only that shop, and its row count (which counts the others' orders) is left out."""
    link = settings.SITE_URL.rstrip("/") + reverse("exports:detail", args=[job.pk])
    only_this_shop = len(job.shops.all()) == 1
    data = {
        "export": {
            "id": job.pk,
            "shops": [shop.slug],
            "format": job.format,
            "rows": job.rows_total if only_this_shop else None,
            "file_name": job.file_name,
            "size_bytes": job.size_bytes,
            "sha256": job.sha256,
            "expires": _iso(job.expires_at),
            "url": link,  # the download needs a signed-in person with the export permission
        }
    }
    return envelope(f"evt_export_{job.pk}", EventType.EXPORT_READY, job.finished_at, data)


def envelope(event_id: str, event_type: str, created: datetime, data: dict) -> str:
    body = {
        "id": event_id,
        "type": str(event_type),
        "created": _iso(created),
        "api_version": API_VERSION,
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True)
