"""Refunds: customer service refunds up to the shop's limit at once; above it, a refund waits
for an administrator's approval. Never more than is still refundable, even when two people
refund the same order at the same moment (the order row is locked while checking)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.access import user_has_shop_perm
from accounts.roles import Perm
from orders.exceptions import RefundRefused
from orders.models import Order, OrderLine, Refund, RefundLine
from orders.money import to_money
from orders.platform import platform_for
from orders.services.actions import person_event_record, require_shop_perm
from orders.services.buyer_requests import linked_refund_decide
from orders.services.sales_rollups import sales_days_touched
from orders.statuses import EventKind, OrderStatus, RefundStatus

OPEN = (RefundStatus.REQUESTED, RefundStatus.APPROVED)


def refundable_amount(order: Order, refunds: list[Refund] | None = None) -> Decimal:
    """Total less what was refunded and what waits for approval (`refunds`: all the order's
    refunds, when the caller has read them already)."""
    if refunds is None:
        waiting = order.refunds.filter(status__in=OPEN).aggregate(s=Sum("amount"))["s"] or 0
    else:
        waiting = sum((refund.amount for refund in refunds if refund.status in OPEN), Decimal(0))
    return order.total_amount - order.refunded_amount - waiting


def refund_refusal(order: Order, refundable: Decimal | None = None) -> str | None:
    """Why nothing can be refunded on the order now, or None when something can
    (`refundable`: `refundable_amount(order)` when the caller has it already).

    An unpaid order, or one cancelled before it was paid, holds no money of the buyer's
    (docs/tiktok.md "Order statuses": TikTok cancels those without a refund).
    """
    never_paid = order.status == OrderStatus.UNPAID or (
        order.status == OrderStatus.CANCELLED and order.paid_time is None
    )
    if never_paid:
        return "The buyer never paid for this order, so there is nothing to refund."
    platform = platform_for(order)
    if platform is not None:
        return (
            f"This shop's money moves on {platform.name}: a refund typed here would refund "
            f"nothing. Approve the buyer's request under “Buyer requests”, or refund in "
            f"{platform.name} Seller Center; what {platform.name} refunds shows here."
        )
    if (refundable_amount(order) if refundable is None else refundable) <= 0:
        return "Nothing is left to refund on this order."
    return None


def _parse_amount(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        amount = to_money(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError):
        raise RefundRefused("The amount must be a number like 12.50.") from None
    if amount <= 0:
        raise RefundRefused("The amount must be more than zero.")
    return amount


def _line_amounts(order: Order, quantities: dict[int, int]) -> tuple[Decimal, list]:
    lines = {line.pk: line for line in order.lines.all()}
    total, picked = Decimal(0), []
    for line_id, quantity in quantities.items():
        line: OrderLine | None = lines.get(line_id)
        if line is None:
            raise RefundRefused("That item is not part of this order.")
        if quantity < 1 or quantity > line.quantity - line.returned_quantity:
            raise RefundRefused(
                f"Refund between 1 and {line.quantity - line.returned_quantity} "
                f"of “{line.product_name}”."
            )
        total += to_money(line.subtotal_after_discount * quantity / line.quantity)
        picked.append((line, quantity))
    return total, picked


@transaction.atomic
def refund_request(
    *,
    order: Order,
    actor,
    reason: str,
    amount=None,
    quantities: dict[int, int] | None = None,
    include_shipping: bool = False,
    whole_order: bool = False,
) -> Refund:
    """Refund the whole order, an amount, or items and quantities (plus shipping if asked)."""
    shop = order.shop
    require_shop_perm(order=order, actor=actor, perm=Perm.INITIATE_REFUNDS, refused=RefundRefused)
    reason = reason.strip()
    if not reason:
        raise RefundRefused("Give a reason for the refund.")
    order = Order.objects.select_for_update().select_related("shop").get(pk=order.pk)
    refusal = refund_refusal(order)
    if refusal:
        raise RefundRefused(refusal)
    typed = _parse_amount(amount)
    picked = []
    if whole_order:
        typed, include_shipping = refundable_amount(order), True
    elif quantities:
        typed_lines, picked = _line_amounts(order, quantities)
        typed = typed_lines + (order.shipping_fee if include_shipping else 0)
    elif typed is None:
        raise RefundRefused("Enter an amount or pick the items to refund.")
    left = refundable_amount(order)
    if typed > left:
        raise RefundRefused(f"At most {left} {order.currency} can still be refunded.")
    approver = user_has_shop_perm(actor, shop, Perm.APPROVE_REFUNDS)
    now = timezone.now()
    refund = Refund.objects.create(
        order=order,
        amount=typed,
        reason=reason[:255],
        includes_shipping=include_shipping,
        status=RefundStatus.REQUESTED,
        requested_by=actor,
        requested_at=now,
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, line=line, quantity=quantity) for line, quantity in picked
    )
    sales_days_touched([order])  # has_refund: the return rate
    _event(order, actor, refund, RefundStatus.REQUESTED)
    if approver or typed <= shop.refund_limit:
        _complete(order, refund, actor)
    return refund


@transaction.atomic
def refund_decide(*, refund: Refund, actor, approve: bool) -> Refund:
    """An administrator approves (and completes) or rejects a refund that waits."""
    order = Order.objects.select_for_update().select_related("shop").get(pk=refund.order_id)
    require_shop_perm(order=order, actor=actor, perm=Perm.APPROVE_REFUNDS, refused=RefundRefused)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != RefundStatus.REQUESTED:
        raise RefundRefused(f"This refund is already {refund.get_status_display().lower()}.")
    if refund.buyer_request_id:  # it waits to approve a buyer's request on the marketplace
        linked_refund_decide(order=order, refund=refund, actor=actor, approve=approve)
        refund.status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
        refund.decided_at, refund.approved_by = timezone.now(), actor
        refund.save(update_fields=["status", "decided_at", "approved_by"])
        _event(order, actor, refund, refund.status)
        return refund
    if not approve:
        refund.status, refund.decided_at = RefundStatus.REJECTED, timezone.now()
        refund.approved_by = actor
        refund.save(update_fields=["status", "decided_at", "approved_by"])
        _event(order, actor, refund, RefundStatus.REJECTED)
        return refund
    _complete(order, refund, actor)
    return refund


def _complete(order: Order, refund: Refund, actor) -> None:
    refund.status, refund.decided_at, refund.approved_by = (
        RefundStatus.COMPLETED,
        timezone.now(),
        actor,
    )
    refund.save(update_fields=["status", "decided_at", "approved_by"])
    order.refunded_amount += refund.amount
    order.save(update_fields=["refunded_amount", "modified_at"])
    for refund_line in refund.lines.select_related("line"):
        line = refund_line.line
        line.returned_quantity += refund_line.quantity
        line.save(update_fields=["returned_quantity"])
    sales_days_touched([order])
    _event(order, actor, refund, RefundStatus.COMPLETED)


def _event(order: Order, actor, refund: Refund, status: str) -> None:
    person_event_record(
        order=order,
        actor=actor,
        kind=EventKind.REFUND,
        payload={
            "refund": refund.pk,
            "status": status,
            "amount": str(refund.amount),
            "reason": refund.reason,
        },
    )
