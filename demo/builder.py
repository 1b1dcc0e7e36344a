"""Realistic, internally consistent TikTok orders for the demo and the test factories.

`build_order` returns unsaved model instances: money follows orders.money, timestamps follow
the status (paid before shipped before delivered), packages carry carrier tracking numbers and
checkpoints in our tracking vocabulary. No database access, so the same builder serves bulk inserts.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from accounts.models import Shop
from demo import words as data
from demo.parcels import packages_add
from demo.parts import DemoOrder, random_billing, random_buyer, random_lines
from orders.models import Order, OrderEvent, Refund
from orders.money import order_totals
from orders.statuses import (
    LINE_STATUS_FOR_ORDER,
    ActorType,
    EventKind,
    FulfillmentType,
    LineStatus,
    OrderStatus,
    OrderType,
    RefundStatus,
    TrackingStatus,
)

S = OrderStatus
T = TrackingStatus
# The milestones an order passes through, in order, and the status each one reaches.
MILESTONES = (
    (S.AWAITING_SHIPMENT, "paid_time"),
    (S.AWAITING_COLLECTION, "rts_time"),
    (S.IN_TRANSIT, "collection_time"),
    (S.DELIVERED, "delivery_time"),
)
REACHED = {
    S.UNPAID: 0,
    S.ON_HOLD: 1,
    S.AWAITING_SHIPMENT: 1,
    S.PARTIALLY_SHIPPING: 1,
    S.AWAITING_COLLECTION: 2,
    S.IN_TRANSIT: 3,
    S.DELIVERED: 4,
    S.COMPLETED: 4,
}
SHIPPED = {S.IN_TRANSIT, S.DELIVERED, S.COMPLETED}


def demo_order_id(shop_number: int, index: int) -> str:
    """A unique 18-digit TikTok-looking id: a bijective scramble of the index per shop."""
    return f"57{shop_number % 10}{(index * 7_368_787 + 104_729) % 10**15:015d}"


def status_for_age(rng: random.Random, age: timedelta) -> OrderStatus:
    """A believable status for an order of this age."""
    hours = age.total_seconds() / 3600
    if hours < 1:
        table = ((S.UNPAID, 30), (S.ON_HOLD, 40), (S.AWAITING_SHIPMENT, 30))
    elif hours < 6:
        table = ((S.UNPAID, 10), (S.AWAITING_SHIPMENT, 80), (S.CANCELLED, 10))
    elif hours < 72:
        table = (
            (S.AWAITING_SHIPMENT, 40),
            (S.PARTIALLY_SHIPPING, 3),
            (S.AWAITING_COLLECTION, 22),
            (S.IN_TRANSIT, 27),
            (S.CANCELLED, 8),
        )
    elif hours < 240:
        table = (
            (S.AWAITING_SHIPMENT, 3),
            (S.AWAITING_COLLECTION, 3),
            (S.IN_TRANSIT, 36),
            (S.DELIVERED, 50),
            (S.CANCELLED, 8),
        )
    elif hours < 600:
        table = ((S.IN_TRANSIT, 5), (S.DELIVERED, 70), (S.COMPLETED, 17), (S.CANCELLED, 8))
    else:
        table = ((S.DELIVERED, 2), (S.COMPLETED, 89), (S.CANCELLED, 9))
    statuses, weights = zip(*table, strict=True)
    return rng.choices(statuses, weights)[0]


def _milestone_times(rng, created: datetime, reached: int, now: datetime) -> list[datetime]:
    gaps = (
        timedelta(minutes=rng.randint(1, 45)),  # paid
        timedelta(hours=rng.uniform(3, 40)),  # ready to ship
        timedelta(hours=rng.uniform(2, 26)),  # collected by the carrier
        timedelta(hours=rng.uniform(40, 140)),  # delivered
    )[:reached]
    times, t = [], created
    for gap in gaps:
        t = t + gap
        times.append(t)
    if times and times[-1] >= now:  # squeeze the journey into the order's real age
        scale = (now - created) * 0.97 / (times[-1] - created)
        times = [created + (t - created) * scale for t in times]
    return times


def build_order(
    *,
    shop: Shop,
    rng: random.Random,
    order_id: str,
    created: datetime,
    now: datetime,
    status: OrderStatus | None = None,
) -> DemoOrder:
    """One complete order of `shop` created at `created` (UTC), as the world is at `now`."""
    market = data.MARKETS.get(shop.market, data.MARKETS["US"])
    status = OrderStatus(status) if status else status_for_age(rng, now - created)
    lines = random_lines(rng, shop.market)

    # Cancelled orders stop somewhere along the way; pick where and why.
    cancelled = status == S.CANCELLED
    stop_at = REACHED.get(status, 0)
    initiator = ""
    if cancelled:
        initiator = rng.choices(("SYSTEM", "BUYER", "SELLER"), (35, 55, 10))[0]
        stop_at = 0 if initiator == "SYSTEM" and rng.random() < 0.5 else rng.choice((1, 1, 1, 3))
    times = _milestone_times(rng, created, stop_at + (1 if cancelled else 0), now)
    cancel_time = times.pop() if cancelled else None
    stamps = {name: times[i] for i, (_, name) in enumerate(MILESTONES[: len(times)])}

    sub_preview = sum((line.subtotal_after_discount for line in lines), Decimal(0))
    base_shipping = Decimal("5.99") if shop.market == "US" else Decimal("3.49")
    free_shipping = sub_preview >= (35 if shop.market == "US" else 25)
    tax_rate = Decimal(market["tax_rate"])
    totals = order_totals(
        lines=lines,
        original_shipping_fee=base_shipping,
        shipping_fee_platform_discount=base_shipping if free_shipping else Decimal(0),
        tax=sub_preview * tax_rate,
        retail_delivery_fee=Decimal("0"),
    )
    buyer = random_buyer(rng, market)
    rdf = market["retail_delivery_fee"].get(buyer["state"])
    if rdf:
        totals = order_totals(
            lines=lines,
            original_shipping_fee=totals["original_shipping_fee"],
            shipping_fee_platform_discount=totals["shipping_fee_platform_discount"],
            tax=totals["tax"],
            retail_delivery_fee=Decimal(rdf),
        )
    has_address = status not in (S.UNPAID, S.ON_HOLD) or (cancelled and stop_at > 0)
    if not has_address:
        for key in (
            "recipient_name",
            "recipient_phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
        ):
            buyer[key] = ""
    billing = random_billing(rng, buyer, market, shop.market) if has_address else {}
    fbt = rng.random() < 0.08
    paid = stamps.get("paid_time")
    update_time = max([created, cancel_time or created, *stamps.values()])
    if status == S.COMPLETED:
        update_time = min(now, stamps["delivery_time"] + timedelta(days=rng.uniform(7, 15)))

    order = Order(
        shop=shop,
        order_id=order_id,
        status=status,
        currency=shop.currency,
        order_type=OrderType.PRE_ORDER if rng.random() < 0.02 else OrderType.NORMAL,
        **buyer,
        **billing,
        **totals,
        region_code=shop.market if has_address else "",
        payment_method_name=rng.choice(market["payment_methods"]),
        create_time=created,
        update_time=update_time,
        cancel_time=cancel_time,
        **stamps,
        shipping_due_time=paid + timedelta(days=3) if paid else None,
        delivery_due_time=paid + timedelta(days=10) if paid else None,
        cancellation_initiator=initiator,
        cancel_reason=rng.choice(data.CANCEL_REASONS[initiator]) if cancelled else "",
        fulfillment_type=FulfillmentType.BY_TIKTOK if fbt else FulfillmentType.BY_SELLER,
        delivery_option_name=rng.choice(market["delivery_options"]),
        warehouse_name="TikTok Fulfilment Centre" if fbt else market["warehouse"],
        buyer_message=rng.choice(data.BUYER_MESSAGES) if rng.random() < 0.1 else "",
        seller_note=rng.choice(("", "", "", "", "", "", "VIP repeat customer", "Gift wrap")),
        is_sample_order=rng.random() < 0.01,
        is_on_hold_order=status == S.ON_HOLD,
        is_buyer_request_cancel=status == S.AWAITING_SHIPMENT and rng.random() < 0.06,
    )
    demo = DemoOrder(order=order, lines=lines)
    for line in lines:
        line.display_status = LINE_STATUS_FOR_ORDER[status] or LineStatus.AWAITING_SHIPMENT
    packages_add(demo, rng, market, shop.market, now)
    _events(demo, rng, now)
    _refunds(demo, rng, now)
    return demo


def _event(demo: DemoOrder, kind, actor_type, when, **payload) -> None:
    demo.events.append(
        OrderEvent(kind=kind, actor_type=actor_type, occurred_at=when, payload=payload)
    )


def _events(demo: DemoOrder, rng: random.Random, now: datetime) -> None:
    order = demo.order
    _event(demo, EventKind.CREATED, ActorType.TIKTOK, order.create_time, status="UNPAID")
    previous = S.UNPAID
    for status, name in MILESTONES:
        when = getattr(order, name)
        if when is None:
            break
        if status == S.AWAITING_SHIPMENT and order.status == S.ON_HOLD:
            status = S.ON_HOLD
        actor = ActorType.CARRIER if status in (S.IN_TRANSIT, S.DELIVERED) else ActorType.TIKTOK
        _event(demo, EventKind.STATUS_CHANGED, actor, when, **{"from": previous, "to": status})
        previous = status
    if order.status in (S.CANCELLED, S.COMPLETED, S.PARTIALLY_SHIPPING):
        when = order.cancel_time or order.update_time
        _event(
            demo,
            EventKind.STATUS_CHANGED,
            ActorType.TIKTOK,
            when,
            **{"from": previous, "to": order.status, "reason": order.cancel_reason},
        )
    if order.paid_time and rng.random() < 0.08:
        asked = order.paid_time + timedelta(hours=rng.uniform(2, 48))
        answered = asked + timedelta(minutes=rng.randint(5, 240))
        # Nothing happens after `now`; the reply is a person's (seed.py signs it by a member).
        if asked < order.update_time + timedelta(days=2) and answered <= now:
            _event(
                demo,
                EventKind.MESSAGE_FROM_BUYER,
                ActorType.TIKTOK,
                asked,
                body=rng.choice(data.BUYER_QUESTIONS),
            )
            _event(
                demo,
                EventKind.MESSAGE_TO_BUYER,
                ActorType.USER,
                answered,
                body=rng.choice(data.SELLER_REPLIES),
                delivery="sent",
            )


def _refunds(demo: DemoOrder, rng: random.Random, now: datetime) -> None:
    order = demo.order
    if order.status not in (S.DELIVERED, S.COMPLETED) or rng.random() > 0.06:
        return
    line = rng.choice(demo.lines)
    amount = line.subtotal_after_discount if rng.random() < 0.7 else order.total_amount
    amount = min(amount, order.total_amount)
    if amount <= 0:
        return
    asked = min(now, order.delivery_time + timedelta(days=rng.uniform(0.5, 6)))
    done = order.status == S.COMPLETED or rng.random() < 0.6
    refund = Refund(
        amount=amount,
        reason=rng.choice(data.REFUND_REASONS),
        includes_shipping=amount == order.total_amount,
        status=RefundStatus.COMPLETED if done else RefundStatus.REQUESTED,
        requested_at=asked,
        decided_at=min(now, asked + timedelta(hours=6)) if done else None,
    )
    demo.refunds.append(refund)
    order.has_refund = True
    _event(
        demo,
        EventKind.REFUND,
        ActorType.TIKTOK,
        asked,
        amount=str(amount),
        status=RefundStatus.REQUESTED,
        reason=refund.reason,
    )
    if done:
        order.refunded_amount = amount
        line.returned_quantity = line.quantity if amount != order.total_amount else 0
        _event(
            demo,
            EventKind.REFUND,
            ActorType.TIKTOK,
            refund.decided_at,
            amount=str(amount),
            status=RefundStatus.COMPLETED,
        )
    if asked > order.update_time:
        order.update_time = asked
