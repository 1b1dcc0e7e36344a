"""An order's timeline in words: its events and its parcels' scans, newest first.

Every code a payload carries (statuses, refund states, tracking states) is read through
statuses.VOCABULARIES, so the timeline says "In transit → Delivered", never IN_TRANSIT.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from orders.models import OrderEvent, Package
from orders.selectors.request_words import request_event_detail
from orders.statuses import ActorType, EventKind, words


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


def _parts(payload: dict) -> str:
    """What TikTok changed besides the status: "Recipient address and items updated"."""
    parts = payload.get("parts") or []
    if not parts:
        return ""
    named = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{named[0].upper()}{named[1:]} updated"


# How TikTok told the portal of a change, said after "TikTok" in the timeline.
TIKTOK_SOURCES = ("sync", "webhook")


def event_detail(event: OrderEvent, zone=UTC) -> str:
    """What happened, in words, from the event's payload (its times in `zone`)."""
    payload = event.payload or {}
    kind = event.kind
    if kind == EventKind.REQUEST:
        detail = request_event_detail(payload, event.order.currency, zone)
    elif kind == EventKind.STATUS_CHANGED:
        detail = _change("order", payload)
        if payload.get("reason"):
            detail += f" ({payload['reason']})"
        if parts := _parts(payload):
            detail += f"; {parts[0].lower()}{parts[1:]}"
    elif kind == EventKind.UPDATED:
        detail = _parts(payload)
    elif kind == EventKind.TRACKING_UPDATED:
        number = payload.get("tracking_number", "")
        if "to" in payload:  # the carrier's news
            detail = f"{number}: {_change('tracking', payload)}"
        else:  # a person added the parcel
            detail = f"{payload.get('carrier', '')} {number} added"
    elif kind == EventKind.REFUND:
        amount = payload.get("amount")
        money = f"{amount} {event.order.currency}" if amount else ""
        detail = " · ".join(part for part in (money, payload.get("reason", "")) if part)
    elif kind == EventKind.IMPORTED:
        if payload.get("created"):
            detail = f"New order, {words('order', payload.get('status')).lower()}"
        else:
            detail = _change("order", payload) if payload.get("from") != payload.get("to") else ""
            detail = detail or "Details updated from TikTok's file"
    elif kind == EventKind.CREATED:
        detail = words("order", payload.get("status"))
    elif kind == EventKind.REFUSED:
        detail = str(payload.get("message", ""))
        if payload.get("restored_status"):
            restored = words("order", payload["restored_status"]).lower()
            detail += f" The parcel was taken off; the order is {restored} again."
    else:
        detail = str(payload.get("body", ""))
    return detail.strip()


def event_title(event: OrderEvent) -> str:
    """The event's kind in words; a refund's says its state ("Refund completed")."""
    title = words("event", event.kind)
    if event.kind == EventKind.REQUEST:
        payload = event.payload or {}
        answer, status = payload.get("answer"), payload.get("to")
        return words("request_answer", answer) if answer else words("request_status", status)
    state = (event.payload or {}).get("status") if event.kind == EventKind.REFUND else None
    return f"{title} {words('refund', state).lower()}" if state else title


def event_actor(event: OrderEvent) -> str:
    """Who did it: the person's name, a removed person said as such, or the system's kind."""
    if event.actor:
        return event.actor.get_full_name()
    if event.actor_type == ActorType.USER:
        return "A removed member"
    actor = words("actor", event.actor_type)
    source = (event.payload or {}).get("source")
    if event.actor_type == ActorType.TIKTOK and source in TIKTOK_SOURCES:
        return f"{actor} ({source})"
    return actor


def timeline_entries(events, packages: list[Package], zone) -> list[TimelineEntry]:
    """The events (with their actors) and every package's checkpoints, in `zone`."""
    entries = [
        TimelineEntry(
            event.occurred_at.astimezone(zone),
            event_title(event),
            event_detail(event, zone),
            event_actor(event),
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
