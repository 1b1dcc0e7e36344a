"""What needs a person, and who: the one home of the needs-action rules.

The list's counters and its `needs_action` filter, and the overview's per-shop counters, all
read these conditions, so the two pages cannot count differently. Each reason names the
permission of the people it is for; a counter shows only to them (anyone may still filter).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q

from accounts.access import shop_permissions
from accounts.roles import Perm
from orders.models import BuyerRequest, Order, Package, Refund
from orders.statuses import TO_SHIP, OrderStatus, RefundStatus, RequestKind, TrackingStatus

TRACKING_PROBLEMS = (
    TrackingStatus.EXCEPTION,
    TrackingStatus.ATTEMPT_FAIL,
    TrackingStatus.RETURNING,
)
DEADLINE_NEEDS_ACTION = ("ship_within_24h", "overdue")


@dataclass(frozen=True)
class Reason:
    label: str
    perm: Perm = Perm.VIEW_ORDERS  # whose counter it is
    unless: Perm | None = None  # …except for those who hold this one in the same shop


NEEDS_ACTION_REASONS = {
    "ship_within_24h": Reason("Ship within 24 h"),
    "overdue": Reason("Overdue to ship"),
    "cancel_requested": Reason("Cancellation requested"),
    "tracking_exception": Reason("Tracking exception"),
    "refund_requested": Reason("Refund requested by the buyer"),
    # A refund above the shop's limit that a member asked for (orders/services/refunds.py).
    "refund_approval": Reason("Refund awaiting approval", perm=Perm.APPROVE_REFUNDS),
    "my_refund_pending": Reason(
        "My refunds pending approval", perm=Perm.INITIATE_REFUNDS, unless=Perm.APPROVE_REFUNDS
    ),
}
NEEDS_ACTION = {code: reason.label for code, reason in NEEDS_ACTION_REASONS.items()}


def cancel_requested_q() -> Q:
    """The buyer asked to cancel an order that is not cancelled yet (a risk indicator too)."""
    return Q(is_buyer_request_cancel=True) & ~Q(status=OrderStatus.CANCELLED)


def _waiting_requests(now, kind: str | None = None):
    """The orders (ids) with a buyer's request of `kind`, or any, that waits for the seller's
    answer before its deadline (orders/models/requests.py)."""
    requests = BuyerRequest.objects.filter(awaits_seller=True).filter(
        Q(deadline__isnull=True) | Q(deadline__gt=now)
    )
    requests = requests.filter(kind=kind) if kind else requests
    return requests.order_by().values("order_id")


def awaiting_request_q(now, kind: str | None = None) -> Q:
    """A buyer's request (of `kind`, or any) on the order waits for the seller's answer."""
    return Q(pk__in=_waiting_requests(now, kind))


# A reason with two sources is `id IN (the one's order ids UNION ALL the other's)`, not an OR
# of two EXISTS: PostgreSQL answered the OR by testing every order of the shop (0.2–2.4 s on
# 650,000 orders), the union from the few orders the sources name (docs/benchmarks.md).


def _cancel_asked(now) -> Q:
    """TikTok's cancellation request waits for the seller; for an order whose requests the
    portal was never told of (a file's order, a shop not connected), TikTok's flag."""
    told = BuyerRequest.objects.filter(kind=RequestKind.CANCELLATION).order_by().values("order_id")
    flagged = Order.objects.filter(cancel_requested_q()).exclude(pk__in=told).order_by()
    asked = _waiting_requests(now, RequestKind.CANCELLATION)
    return Q(pk__in=asked.union(flagged.values("pk"), all=True))


def _refund_asked(now) -> Q:
    """A buyer's return request waits for the seller, or a buyer's refund (no member asked)
    waits for an administrator."""
    refunds = Refund.objects.filter(status=RefundStatus.REQUESTED, requested_by__isnull=True)
    asked = _waiting_requests(now, RequestKind.RETURN)
    return Q(pk__in=asked.union(refunds.order_by().values("order_id"), all=True))


def _waiting_refund(**condition) -> Q:
    refunds = Refund.objects.filter(order=OuterRef("pk"), status=RefundStatus.REQUESTED)
    return Q(Exists(refunds.filter(**condition)))


def needs_action_q(code: str, now, *, user=None) -> Q:
    """Orders that need a person for reason `code`, from SLA deadlines and events.

    A buyer's cancellation or return request that TikTok says waits for the seller, before
    its deadline, is `cancel_requested` or `refund_requested`. A refund in REQUESTED waits
    for an administrator: asked by the buyer (a file's order; no member asked) or by a member
    of the shop above its refund limit, approving a buyer's request included.
    `my_refund_pending` is the latter for the member `user` who asked.
    """
    if code == "ship_within_24h":
        return Q(
            status__in=TO_SHIP,
            shipping_due_time__gte=now,
            shipping_due_time__lt=now + timedelta(hours=24),
        )
    if code == "overdue":
        return Q(status__in=TO_SHIP, shipping_due_time__lt=now)
    if code == "cancel_requested":
        return _cancel_asked(now)
    if code == "tracking_exception":
        return Q(
            Exists(
                Package.objects.filter(order=OuterRef("pk"), tracking_status__in=TRACKING_PROBLEMS)
            )
        )
    if code == "refund_requested":
        return _refund_asked(now)
    if code == "refund_approval":
        return _waiting_refund(requested_by__isnull=False)
    if code == "my_refund_pending":
        return _waiting_refund(requested_by=user) if user and user.pk else Q(pk__in=[])
    raise ValueError(code)


def _perms(user, shop_id: int) -> frozenset[Perm]:
    if user.is_superuser:
        return frozenset(Perm)
    return shop_permissions(user).get(shop_id, frozenset())


def reasons_for_shop(user, shop_id: int) -> list[str]:
    """The needs-action codes whose counters `user` sees for one shop."""
    perms = _perms(user, shop_id)
    return [
        code
        for code, reason in NEEDS_ACTION_REASONS.items()
        if reason.perm in perms and not (reason.unless and reason.unless in perms)
    ]


def reasons_for_user(user, shop_ids) -> list[str]:
    """The counters `user` sees on a page covering `shop_ids`: those of any of the shops."""
    seen = {code for shop_id in shop_ids for code in reasons_for_shop(user, shop_id)}
    return [code for code in NEEDS_ACTION_REASONS if code in seen]
