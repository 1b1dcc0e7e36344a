"""An order's timeline in words: its events and its parcels' scans, newest first.

Every code a payload carries (statuses, refund states, tracking states) is read through
statuses.VOCABULARIES, so the timeline says "In transit → Delivered", never IN_TRANSIT.
"""

from dataclasses import dataclass
from datetime import datetime

from ..models import OrderEvent, Package
from ..statuses import EventKind, words


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    detail: str
    actor: str
    kind: str


def _change(vocabulary: str, payload: dict) -> str:
    before, after = (words(vocabulary, payload.get(key)) for key in ("from", "to"))
    if before and after and before != after:
        return f"{before} → {after}"
    return after or before


def event_detail(event: OrderEvent) -> str:
    """What happened, in words, from the event's payload."""
    payload = event.payload or {}
    kind = event.kind
    if kind == EventKind.STATUS_CHANGED:
        detail = _change("order", payload)
        if payload.get("reason"):
            detail += f" ({payload['reason']})"
    elif kind == EventKind.TRACKING_UPDATED:
        number = payload.get("tracking_number", "")
        if "to" in payload:  # the carrier's news
            detail = f"{number}: {_change('tracking', payload)}"
        else:  # a person added the parcel
            detail = f"{payload.get('carrier', '')} {number} added"
    elif kind == EventKind.REFUND:
        parts = (
            words("refund", payload.get("status")),
            payload.get("amount"),
            payload.get("reason"),
        )
        detail = " ".join(str(part) for part in parts if part)
    elif kind == EventKind.IMPORTED:
        if payload.get("created"):
            detail = f"New order, {words('order', payload.get('status')).lower()}"
        else:
            detail = _change("order", payload) if payload.get("from") != payload.get("to") else ""
            detail = detail or "Details updated from TikTok's file"
    elif kind == EventKind.CREATED:
        detail = words("order", payload.get("status"))
    else:
        detail = str(payload.get("body", ""))
    return detail.strip()


def timeline_entries(events, packages: list[Package], zone) -> list[TimelineEntry]:
    """The events (with their actors) and every package's checkpoints, in `zone`."""
    entries = [
        TimelineEntry(
            event.occurred_at.astimezone(zone),
            words("event", event.kind),
            event_detail(event),
            event.actor.get_full_name() if event.actor else words("actor", event.actor_type),
            event.kind,
        )
        for event in events
    ]
    for package in packages:
        for checkpoint in package.checkpoints.all():
            entries.append(
                TimelineEntry(
                    checkpoint.occurred_at.astimezone(zone),
                    f"{package.shipping_provider_name}: {words('tracking', checkpoint.status)}",
                    " · ".join(part for part in (checkpoint.message, checkpoint.location) if part),
                    "Carrier",
                    "tracking",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
