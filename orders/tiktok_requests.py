"""TikTok's cancellation and return objects (Search Cancellations, Search Returns)
read into a BuyerRequest's values: the one mapping, for the sync, the webhooks and
the re-read after an answer alike.

A status, type or seller action TikTok added since is kept as sent (the page says it in words
of its own); what cannot be read as TikTok documents it (no id, a time in milliseconds, an
amount that is not one) refuses the object with `RequestRefused`: a guess would be stored as
truth.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orders.order_values import OrderRefused
from orders.statuses import RequestKind, RequestStatus
from orders.tiktok_values import ZERO, amount, tiktok_text, unix_time

ID = re.compile(r"\d{1,32}")
ORDER_ID = re.compile(r"\d{18,19}")
# TikTok's names of the request, its lines and its status, by kind.
FIELDS = {
    RequestKind.CANCELLATION: ("cancel_id", "cancel_line_items", "cancel_status", "cancel_type"),
    RequestKind.RETURN: ("return_id", "return_line_items", "return_status", "return_type"),
}
REASONS = {
    RequestKind.CANCELLATION: ("cancel_reason", "cancel_reason_text"),
    RequestKind.RETURN: ("return_reason", "return_reason_text"),
}
BREAKDOWN = (
    "refund_subtotal",
    "refund_shipping_fee",
    "refund_tax",
    "retail_delivery_fee",
    "buyer_service_fee",
)
# The states in which TikTok waits for the seller's answer, when it says so.
ANSWERABLE = frozenset(
    {
        RequestStatus.CANCELLATION_REQUEST_PENDING,
        RequestStatus.RETURN_OR_REFUND_REQUEST_PENDING,
        RequestStatus.BUYER_SHIPPED_ITEM,
        RequestStatus.REPLACEMENT_REQUEST_PENDING,
    }
)
# The states in which TikTok has refunded the buyer (the order's refunded amount follows).
REFUNDED = frozenset(
    {
        RequestStatus.CANCELLATION_REQUEST_COMPLETE,
        RequestStatus.RETURN_OR_REFUND_REQUEST_COMPLETE,
        RequestStatus.REPLACEMENT_REQUEST_REFUND_SUCCESS,
    }
)


class RequestRefused(ValueError):
    """TikTok's object cannot be read as documented; `request_id` says which, when known."""

    def __init__(self, reason: str, *, request_id: str = ""):
        super().__init__(reason)
        self.reason, self.request_id = reason, request_id


@dataclass(frozen=True)
class RequestValues:
    """What storing one request takes, in our columns' terms."""

    kind: str
    request_id: str
    order_id: str
    request_type: str
    status: str
    role: str
    reason: str
    reason_text: str
    currency: str
    refund_total: Decimal
    refund_breakdown: dict
    items: list
    seller_action: str
    deadline: datetime | None
    return_tracking_number: str
    return_provider: str
    created_at: datetime | None
    updated_at: datetime | None

    def awaits_seller(self, now: datetime) -> bool:
        """TikTok asks the seller for an answer and there is still time to give it."""
        return (
            bool(self.seller_action)
            and self.status in ANSWERABLE
            and (self.deadline is None or self.deadline > now)
        )

    def columns(self, now: datetime) -> dict:
        """The BuyerRequest fields these values set."""
        return {
            "request_type": self.request_type,
            "status": self.status,
            "role": self.role,
            "reason": self.reason,
            "reason_text": self.reason_text,
            "currency": self.currency,
            "refund_total": self.refund_total,
            "refund_breakdown": self.refund_breakdown,
            "items": self.items,
            "seller_action": self.seller_action,
            "deadline": self.deadline,
            "awaits_seller": self.awaits_seller(now),
            "return_tracking_number": self.return_tracking_number,
            "return_provider": self.return_provider,
            "tiktok_created_at": self.created_at,
            "tiktok_updated_at": self.updated_at,
        }


def _text(obj: dict, name: str, length: int) -> str:
    try:
        return "".join(c for c in tiktok_text(obj.get(name), length) if c.isprintable())
    except ValueError as error:
        raise RequestRefused(f"`{name}` is {error}") from None


def _money(obj: dict, where: str) -> tuple[str, Decimal, dict]:
    """(currency, refund_total, the rest of the breakdown as decimal strings)."""
    refund = obj.get("refund_amount")
    if refund in (None, {}):
        return "", ZERO, {}
    if not isinstance(refund, dict):
        raise RequestRefused(f"`{where}refund_amount` is not an object")
    currency = _text(refund, "currency", 3).upper()
    total = amount(refund.get("refund_total"), f"{where}refund_total", required=False)
    breakdown = {
        name: str(amount(refund[name], f"{where}{name}"))
        for name in BREAKDOWN
        if refund.get(name) not in (None, "")
    }
    return currency, total, breakdown


def _items(obj: dict, name: str) -> list[dict]:
    lines = obj.get(name)
    if lines is None:
        return []
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise RequestRefused(f"`{name}` is not a list of objects")
    items = []
    for line in lines:
        _, total, _ = _money(line, f"{name}[].")
        items.append(
            {
                "order_line_item_id": _text(line, "order_line_item_id", 32),
                "sku_id": _text(line, "sku_id", 32),
                "seller_sku": _text(line, "seller_sku", 100),
                "product_name": _text(line, "product_name", 255),
                "sku_name": _text(line, "sku_name", 255),
                "refund_total": str(total),
            }
        )
    return items


def _next_action(obj: dict) -> tuple[str, datetime | None]:
    """What TikTok asks of the seller and by when; the earliest deadline when it asks twice."""
    asked = obj.get("seller_next_action_response")
    if asked in (None, []):
        return "", None
    if not isinstance(asked, list) or not all(isinstance(a, dict) for a in asked):
        raise RequestRefused("`seller_next_action_response` is not a list of objects")
    found = [
        (_text(a, "action", 40), unix_time(a.get("deadline"), "deadline"))
        for a in asked
        if a.get("action")
    ]
    if not found:
        return "", None
    found.sort(key=lambda pair: (pair[1] is None, pair[1]))
    return found[0]


def request_values(obj, kind: str) -> RequestValues:
    """One TikTok cancellation (`kind` "cancellation") or return object as our values."""
    if not isinstance(obj, dict):
        raise RequestRefused(f"a {kind} is not an object")
    id_name, lines_name, status_name, type_name = FIELDS[RequestKind(kind)]
    request_id = _text(obj, id_name, 32)
    if not ID.fullmatch(request_id):
        raise RequestRefused(f"`{id_name}` is missing or not TikTok's id")
    try:
        order_id = _text(obj, "order_id", 19)
        if not ORDER_ID.fullmatch(order_id):
            raise RequestRefused("`order_id` is missing or not an order id")
        status = _text(obj, status_name, 40)
        if not status:
            raise RequestRefused(f"`{status_name}` is missing")
        currency, total, breakdown = _money(obj, "")
        seller_action, deadline = _next_action(obj)
        reason_name, reason_text_name = REASONS[RequestKind(kind)]
        return RequestValues(
            kind=kind,
            request_id=request_id,
            order_id=order_id,
            request_type=_text(obj, type_name, 24),
            status=status,
            role=_text(obj, "role", 12).upper(),
            reason=_text(obj, reason_name, 160),
            reason_text=_text(obj, reason_text_name, 255),
            currency=currency,
            refund_total=total,
            refund_breakdown=breakdown,
            items=_items(obj, lines_name),
            seller_action=seller_action,
            deadline=deadline,
            return_tracking_number=_text(obj, "return_tracking_number", 64),
            return_provider=_text(obj, "return_provider_name", 80),
            created_at=unix_time(obj.get("create_time"), "create_time"),
            updated_at=unix_time(obj.get("update_time"), "update_time"),
        )
    except OrderRefused as error:
        raise RequestRefused(error.reason, request_id=request_id) from None
    except RequestRefused as error:
        raise RequestRefused(error.reason, request_id=request_id) from None
