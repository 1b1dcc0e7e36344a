"""A buyer's request in words, for the timeline and the order page: who asked what, by when,
and what became of it ("Buyer asked to cancel: Changed my mind — deadline Dec 3, 14:00")."""

from datetime import UTC, datetime

from django.utils import formats

from orders.statuses import RequestKind, RequestType, words
from orders.tiktok_requests import REFUNDED

WHO = {
    "BUYER": "Buyer",
    "SELLER": "The seller",
    "SYSTEM": "TikTok",
    "OPERATOR": "TikTok's customer service",
}
WHAT = {
    RequestType.REFUND: "for a refund without sending the item back",
    RequestType.RETURN_AND_REFUND: "to return the item for a refund",
    RequestType.REPLACEMENT: "for a replacement",
}


def when(at: datetime | None, zone) -> str:
    """A moment as the page says it, in `zone`: "Dec 3, 14:00"."""
    if at is None:
        return ""
    return formats.date_format(at.astimezone(zone), "M j, H:i")


def asked_words(kind: str, request_type: str) -> str:
    """What was asked: "asked to cancel", "asked for a replacement"; a cancellation nobody
    reviews (the seller's own, TikTok's) "cancelled the order"."""
    if kind == RequestKind.CANCELLATION:
        return "cancelled the order" if request_type == RequestType.CANCEL else "asked to cancel"
    return "asked " + WHAT.get(request_type, "for a return or refund")


def request_event_detail(payload: dict, currency: str, zone=UTC) -> str:
    """A TikTok request entry or a person's answer, from its payload."""
    if payload.get("answer"):
        return _answer_detail(payload)
    reason = payload.get("reason", "")
    before, after = payload.get("from"), payload.get("to")
    if not before:
        who = WHO.get(payload.get("role", ""), "Someone")
        detail = f"{who} {asked_words(payload.get('request', ''), payload.get('type', ''))}"
        detail += f": {reason}" if reason else ""
    else:
        detail = f"{words('request_status', before)} → {words('request_status', after)}"
    if after in REFUNDED and payload.get("amount"):
        detail += f"; TikTok refunded {payload['amount']} {currency}"
    deadline = payload.get("deadline")
    if payload.get("awaits_seller") and deadline:
        detail += f" — deadline {when(datetime.fromisoformat(deadline), zone)}"
    return detail


def _answer_detail(payload: dict) -> str:
    answer = payload["answer"]
    what = words("request_kind", payload.get("request", "")).lower()
    if answer == "approval":
        return (
            f"Approving this {what} refunds {payload.get('amount', '')}, above the shop's limit: "
            "it waits for an administrator"
        )
    if answer == "reject":
        detail = f"Rejected: {payload.get('reject_reason_text', '')}"
        return detail + (f" ({payload['comment']})" if payload.get("comment") else "")
    return "Approved; the answer is sent to TikTok"
