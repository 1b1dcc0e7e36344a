"""Buyers' requests as TikTok says them, stored: the sync, webhooks 11/12 and the re-read after
an answer all come through here (orders/tiktok_requests.py reads the objects).

An older `update_time` never wins; a request whose status changes writes a timeline entry in
words; one that completes with a refund completes a Refund row of what TikTok refunded and
adds it to the order's refunded amount, once per request (a unique constraint holds that even
when two workers store the same completion). Requests of orders the shop does not hold are
not stored: the caller fetches those orders and asks again.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from orders.models import BuyerRequest, Order, OrderEvent, Refund
from orders.services.sales_rollups import sales_days_touched
from orders.statuses import ActorType, EventKind, RefundStatus, RequestAnswer
from orders.tiktok_requests import (
    ANSWERABLE,
    REFUNDED,
    RequestRefused,
    RequestValues,
    request_values,
)


@dataclass
class RequestReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (request id, why)
    missing_orders: list[str] = field(default_factory=list)  # TikTok order ids not held

    def add(self, other: "RequestReport") -> None:
        for name in ("created", "updated", "unchanged", "older"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.refused += other.refused
        self.missing_orders += other.missing_orders

    def as_dict(self) -> dict:
        return {
            "requests_created": self.created,
            "requests_updated": self.updated,
            "requests_unchanged": self.unchanged,
            "requests_older": self.older,
            "requests_refused": len(self.refused),
        }


def _read(objects, kind: str, report: RequestReport) -> dict[str, RequestValues]:
    """The objects' values by request id, the latest of repeats; the unreadable reported."""
    read: dict[str, RequestValues] = {}
    for obj in objects:
        try:
            values = request_values(obj, kind)
        except RequestRefused as error:
            report.refused.append((error.request_id, error.reason))
            continue
        seen = read.get(values.request_id)
        if seen is None or _newer(values, seen.updated_at):
            read[values.request_id] = values
    return read


def _newer(values: RequestValues, stored_at) -> bool:
    return stored_at is None or (values.updated_at is not None and values.updated_at >= stored_at)


def buyer_requests_store(*, shop, kind: str, objects, source: str) -> RequestReport:
    """Store TikTok's request objects of one kind for the shop; what happened to them."""
    report = RequestReport()
    read = _read(objects, kind, report)
    if not read:
        return report
    with transaction.atomic():
        orders = {
            order.order_id: order
            for order in Order.objects.select_for_update()
            .select_related("shop")
            .filter(shop=shop, order_id__in={v.order_id for v in read.values()})
            .order_by("pk")
        }
        stored = {
            r.request_id: r
            for r in BuyerRequest.objects.select_for_update().filter(
                kind=kind, request_id__in=list(read)
            )
        }
        now = timezone.now()
        for request_id, values in read.items():
            order = orders.get(values.order_id)
            current = stored.get(request_id)
            if order is None:
                report.missing_orders.append(values.order_id)
            elif current is not None and current.order_id != order.pk:
                report.refused.append((request_id, "TikTok names it for another order"))
            else:
                outcome = _store(order, current, values, now, source)
                setattr(report, outcome, getattr(report, outcome) + 1)
    report.missing_orders = list(dict.fromkeys(report.missing_orders))
    return report


def _store(order: Order, current: BuyerRequest | None, values: RequestValues, now, source) -> str:
    columns = values.columns(now)
    if current is None:
        current = BuyerRequest.objects.create(
            order=order, kind=values.kind, request_id=values.request_id, **columns
        )
        _event(order, current, values, None, source)
        sales_days_touched([order])  # a return request: the return rate
        _refund_follow(order, current, source)
        return "created"
    if not _newer(values, current.tiktok_updated_at):
        return "older"
    before = current.status
    if current.answer and (values.status != before or values.status not in ANSWERABLE):
        _answer_overtaken(order, current)
    if current.answer:
        columns["awaits_seller"] = False  # our answer is on its way
    changed = [name for name, value in columns.items() if getattr(current, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(current, name, columns[name])
    current.stored_at = now
    current.save(update_fields=[*changed, "stored_at"])
    if values.status != before:
        _event(order, current, values, before, source)
    _refund_follow(order, current, source)
    return "updated"


def _answer_overtaken(order: Order, request: BuyerRequest) -> None:
    """TikTok moved the request on (the buyer withdrew it, TikTok decided) while an
    administrator's approval waited: that refund is no longer for anyone to approve."""
    if request.answer == RequestAnswer.APPROVAL:
        Refund.objects.filter(buyer_request=request, status=RefundStatus.REQUESTED).update(
            status=RefundStatus.REJECTED, decided_at=timezone.now()
        )
        request.answer = ""
        request.save(update_fields=["answer"])


def _refund_follow(order: Order, request: BuyerRequest, source: str) -> None:
    """What TikTok refunded, once: the request's refund completed and the order's refunded
    amount raised by it (never past the order's total)."""
    if request.status not in REFUNDED or request.refund_total <= 0:
        return
    refunds = Refund.objects.select_for_update().filter(buyer_request=request)
    if refunds.filter(status=RefundStatus.COMPLETED).exists():
        return
    room = order.total_amount - order.refunded_amount
    amount = min(request.refund_total, room)
    if amount <= 0:
        return
    now = timezone.now()
    refund = refunds.filter(status__in=[RefundStatus.REQUESTED, RefundStatus.APPROVED]).first()
    if refund is None:
        refund = Refund(order=order, buyer_request=request, requested_at=now)
    refund.amount, refund.status, refund.decided_at = amount, RefundStatus.COMPLETED, now
    refund.reason = refund.reason or _refund_reason(request)
    refund.save()
    order.refunded_amount += amount
    order.save(update_fields=["refunded_amount", "modified_at"])
    sales_days_touched([order])
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.REFUND,
        actor_type=ActorType.TIKTOK,
        occurred_at=now,
        payload={
            "refund": refund.pk,
            "status": RefundStatus.COMPLETED,
            "amount": str(amount),
            "reason": refund.reason,
            "source": source,
        },
    )


def _refund_reason(request: BuyerRequest) -> str:
    what = request.get_kind_display()
    return (f"{what} on TikTok: {request.reason_text}" if request.reason_text else what)[:255]


def _event(order, request: BuyerRequest, values: RequestValues, before, source: str) -> None:
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.REQUEST,
        actor_type=ActorType.TIKTOK,
        occurred_at=values.updated_at or timezone.now(),
        payload={
            "request": request.kind,
            "request_id": request.request_id,
            "type": request.request_type,
            "role": request.role,
            "from": before or "",
            "to": request.status,
            "reason": request.reason_text or request.reason,
            "deadline": request.deadline.isoformat() if request.deadline else "",
            "awaits_seller": request.awaits_seller,
            "amount": str(request.refund_total) if request.refund_total else "",
            "source": source,
        },
    )
