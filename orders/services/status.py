"""The one service that changes an order's status, for people, TikTok and carriers alike.

TRANSITIONS is an order's life; our own system follows it. People follow the narrower
STAFF_TRANSITIONS: they cancel an order before its parcel leaves and mark it shipped with a
tracking number, while payment, holds, delivery, completion and a parcel lost on the way are
for TikTok and the carriers to report. TikTok (import, API, webhook) and carriers are
authoritative and may move an order along any path they report, but an update older than the
order's last change never overwrites it. The order's lines and packages follow its status
(services/order_parts.py).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.roles import Perm
from orders.exceptions import (
    FulfilmentRefused,
    IllegalTransition,
    TrackingNumberNeeded,
    UnknownStatus,
)
from orders.models import Order, OrderEvent
from orders.platform import platform_for
from orders.services.actions import require_shop_perm
from orders.services.order_parts import order_parts_follow
from orders.services.sales_rollups import sales_days_touched
from orders.statuses import ActorType, EventKind, OrderStatus

S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.UNPAID: frozenset({S.ON_HOLD, S.AWAITING_SHIPMENT, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.AWAITING_SHIPMENT, S.CANCELLED}),
    S.AWAITING_SHIPMENT: frozenset(
        {S.PARTIALLY_SHIPPING, S.AWAITING_COLLECTION, S.IN_TRANSIT, S.CANCELLED}
    ),
    S.PARTIALLY_SHIPPING: frozenset({S.AWAITING_COLLECTION, S.IN_TRANSIT, S.CANCELLED}),
    S.AWAITING_COLLECTION: frozenset({S.IN_TRANSIT, S.CANCELLED}),
    # A parcel lost or returned to sender ends the order as cancelled.
    S.IN_TRANSIT: frozenset({S.DELIVERED, S.CANCELLED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

STAFF_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.UNPAID: frozenset({S.CANCELLED}),
    S.ON_HOLD: frozenset({S.CANCELLED}),
    S.AWAITING_SHIPMENT: frozenset(
        {S.PARTIALLY_SHIPPING, S.AWAITING_COLLECTION, S.IN_TRANSIT, S.CANCELLED}
    ),
    S.PARTIALLY_SHIPPING: frozenset({S.AWAITING_COLLECTION, S.IN_TRANSIT, S.CANCELLED}),
    S.AWAITING_COLLECTION: frozenset({S.IN_TRANSIT, S.CANCELLED}),
    S.IN_TRANSIT: frozenset(),
    S.DELIVERED: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Marking an order shipped: a person may, once the order has a parcel with a tracking number.
SHIPPED = frozenset({S.PARTIALLY_SHIPPING, S.AWAITING_COLLECTION, S.IN_TRANSIT})

# The timestamp an order gets the first time it reaches a status.
STATUS_TIMESTAMP = {
    S.AWAITING_SHIPMENT: "paid_time",
    S.AWAITING_COLLECTION: "rts_time",
    S.IN_TRANSIT: "collection_time",
    S.DELIVERED: "delivery_time",
    S.CANCELLED: "cancel_time",
}

AUTHORITATIVE_SOURCES = frozenset({ActorType.TIKTOK, ActorType.CARRIER})


def allowed_next_statuses(status: str, *, tracked: bool = False) -> frozenset[OrderStatus]:
    """Statuses a person may move an order to from `status` (`tracked`: it has a tracking
    number, so it may be marked shipped)."""
    allowed = STAFF_TRANSITIONS[_parse(status)]
    return allowed if tracked else allowed - SHIPPED


def _why_not_by_hand(current: OrderStatus, target: OrderStatus) -> str:
    """What to tell a person whose status change only TikTok or a carrier may make."""
    if target in (S.DELIVERED, S.COMPLETED):
        return "Only TikTok or the carrier marks an order delivered or completed."
    if target not in TRANSITIONS[current]:
        return ""  # nobody may: the plain message says enough
    if current == S.IN_TRANSIT:
        return "Only TikTok or the carrier reports a parcel lost or returned."
    return "Only TikTok reports that an order is paid or no longer on hold."


def _parse(status: str) -> OrderStatus:
    try:
        return OrderStatus(status)
    except ValueError:
        raise UnknownStatus(status) from None


@transaction.atomic
def order_status_choose(*, order: Order, actor, new_status: str, reason: str = "") -> None:
    """A person's choice of the order's next status on its page. A shop connected to its
    marketplace is refused: the marketplace sets the status, and a move made here only would
    be a status TikTok never heard of, undone by the next sync."""
    platform = platform_for(order)
    if platform is not None:
        raise FulfilmentRefused(platform_status_owner(platform.name))
    order_status_change(order=order, actor=actor, new_status=new_status, reason=reason)


def platform_status_owner(name: str) -> str:
    """Why a connected shop's order has no "Move to" here, in a seller's words."""
    return (
        f"{name} sets this order's status: it changes here when it changes on {name}, "
        f"and a cancellation made here is sent to {name}."
    )


def order_status_change(
    *,
    order: Order,
    new_status: str,
    actor_type: ActorType = ActorType.USER,
    actor=None,
    occurred_at: datetime | None = None,
    reason: str = "",
) -> OrderEvent | None:
    """Move `order` to `new_status` and record the event; None when nothing changed.

    A person named as `actor` needs the permission to change statuses in the order's shop,
    and says why when cancelling (FulfilmentRefused). Raises UnknownStatus or
    IllegalTransition (naming both states) and saves nothing then.
    """
    reason = reason.strip()[:255]
    if actor_type == ActorType.USER and actor is not None:
        require_shop_perm(
            order=order, actor=actor, perm=Perm.CHANGE_ORDER_STATUS, refused=FulfilmentRefused
        )
    target = _parse(new_status)
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    locked = Order.objects.select_for_update().get(pk=order.pk)
    current = _parse(locked.status)

    if actor_type in AUTHORITATIVE_SOURCES:
        if occurred_at < locked.update_time or current == target:
            return None  # stale or duplicate report: the newer state stands
    elif actor_type == ActorType.USER:
        if target not in STAFF_TRANSITIONS[current]:
            raise IllegalTransition(current, target, _why_not_by_hand(current, target))
        if target in SHIPPED and not locked.packages.exclude(tracking_number="").exists():
            raise TrackingNumberNeeded()
        if target == S.CANCELLED and actor is not None and not reason:
            raise FulfilmentRefused("Say why the order is cancelled.")
    elif target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)

    changed = ["status", "update_time", "modified_at"]
    locked.status = target
    locked.update_time = max(occurred_at, locked.update_time)
    stamp_field = STATUS_TIMESTAMP.get(target)
    if stamp_field and getattr(locked, stamp_field) is None:
        setattr(locked, stamp_field, occurred_at)
        changed.append(stamp_field)
    if target == S.CANCELLED and reason and not locked.cancel_reason:
        locked.cancel_reason = reason
        changed.append("cancel_reason")
    locked.save(update_fields=changed)
    order_parts_follow(status=target, order_ids=[locked.pk])
    sales_days_touched([locked])

    for field in changed:  # keep the caller's instance in step with the row
        setattr(order, field, getattr(locked, field))
    return OrderEvent.objects.create(
        order=locked,
        kind=EventKind.STATUS_CHANGED,
        actor_type=actor_type,
        actor=actor,
        occurred_at=occurred_at,
        payload={"from": current.value, "to": target.value, "reason": reason},
    )
