"""Realistic, internally consistent TikTok orders for the demo and the test factories.

`build_order` returns unsaved model instances: money follows orders.money, timestamps follow
the status (paid before shipped before delivered), packages carry carrier tracking numbers and
checkpoints in our tracking vocabulary. No database access, so the same builder serves bulk inserts.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from accounts.models import Shop
from demo import words as data
from orders.models import Order, OrderEvent, OrderLine, Package, Refund
from orders.money import line_amounts, order_totals, to_money
from orders.statuses import (
    LINE_STATUS_FOR_ORDER,
    PACKAGE_STATUS_FOR_ORDER,
    ActorType,
    EventKind,
    FulfillmentType,
    LineStatus,
    OrderStatus,
    OrderType,
    PackageStatus,
    RefundStatus,
    TrackingStatus,
)
from tracking.models import TrackingCheckpoint, checkpoint_fingerprint

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


@dataclass
class DemoOrder:
    """An order and everything that hangs off it, not yet saved."""

    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    checkpoints: list[tuple[int, TrackingCheckpoint]] = field(default_factory=list)
    events: list[OrderEvent] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)


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


def _tracking_number(rng: random.Random, carrier: str) -> str:
    def digits(n: int) -> str:
        return digits_str(rng, n)

    if carrier == "USPS":
        return "9400" + digits(18)
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    if carrier == "Royal Mail":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + digits(9) + "GB"
    if carrier == "Evri":
        return "H" + digits(15)
    return digits(14 if carrier == "DPD" else 12)


def _buyer(rng: random.Random, market: dict) -> dict:
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    city, state, postal = rng.choice(market["places"])
    postal_code = (
        (postal + digits_str(rng, 2))
        if postal.isdigit()
        else (
            f"{postal} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
    )
    handle = f"{first.lower()}.{last.lower().replace(chr(39), '')}{rng.randint(1, 99)}"
    return {
        "buyer_user_id": "7" + digits_str(rng, 18),
        "buyer_username": handle,
        "buyer_nickname": first,
        "buyer_email": f"{digits_str(rng, 10)}{handle[:4]}@scs3.tiktok.com",
        "recipient_name": f"{first} {last}",
        "recipient_phone": market["phone"].format(area=digits_str(rng, 3), rest=digits_str(rng, 7)),
        "address_line1": f"{rng.randint(1, 9800)} {rng.choice(data.STREETS)}",
        "address_line2": rng.choice(("", "", "", f"Apt {rng.randint(1, 40)}")),
        "city": city,
        "state": state,
        "postal_code": postal_code,
    }


def digits_str(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def _lines(rng: random.Random, currency_market: str) -> list[OrderLine]:
    count = rng.choices((1, 2, 3, 4), (64, 23, 9, 4))[0]
    lines = []
    for product in rng.sample(data.CATALOGUE, count):
        name, category, price, colours, sizes = product
        variation = ", ".join(
            v
            for v in (
                rng.choice(colours) if colours else "",
                rng.choice(sizes) if sizes else "",
            )
            if v
        )
        unit = Decimal(price)
        if currency_market != "US":  # the same catalogue, priced in pounds
            unit = to_money(unit * Decimal("0.85"))
        quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
        gross = unit * quantity
        seller = platform = Decimal(0)
        if rng.random() < 0.3:
            seller = to_money(gross * rng.choice((10, 15, 20)) / 100)
        if rng.random() < 0.25:
            platform = to_money(gross * rng.choice((5, 10)) / 100)
        product_number = data.CATALOGUE.index(product)
        sku_suffix = sum(map(ord, variation)) % 97
        lines.append(
            OrderLine(
                sku_id=f"17{product_number:03d}{sku_suffix:02d}{len(variation):02d}0000000012",
                seller_sku=f"{''.join(w[0] for w in name.split()[:3]).upper()}-{product_number:02d}"
                + (
                    f"-{variation.replace(', ', '-').replace(' ', '').upper()}" if variation else ""
                ),
                product_id=f"172{product_number:03d}9000000000",
                product_name=name,
                variation=variation,
                product_category=category,
                quantity=quantity,
                **line_amounts(
                    unit_original_price=unit,
                    quantity=quantity,
                    platform_discount=platform,
                    seller_discount=seller,
                ),
            )
        )
    return lines


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
    lines = _lines(rng, shop.market)

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
    buyer = _buyer(rng, market)
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
    billing = _billing(rng, buyer, market, shop.market) if has_address else {}
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
    _packages(demo, rng, market, shop.market, now)
    _events(demo, rng, now)
    _refunds(demo, rng, now)
    return demo


def _billing(rng, buyer: dict, market: dict, market_code: str) -> dict:
    """Billing equals shipping for most buyers; some differ, a few in another country."""
    roll = rng.random()
    if roll < 0.95:
        city, state, postal, country = (
            buyer["city"],
            buyer["state"],
            buyer["postal_code"],
            market_code,
        )
        line1 = buyer["address_line1"]
    else:
        city, state, postal_prefix = rng.choice(market["places"])
        postal, country = f"{postal_prefix}{digits_str(rng, 2)}", market_code
        line1 = f"{rng.randint(1, 9800)} {rng.choice(data.STREETS)}"
        if roll > 0.993:
            city, state, postal, country = "Toronto", "Ontario", "M5V 2T6", "CA"
    return {
        "billing_name": buyer["recipient_name"],
        "billing_address_line1": line1,
        "billing_city": city,
        "billing_state": state,
        "billing_postal_code": postal,
        "billing_region_code": country,
    }


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


def _packages(demo: DemoOrder, rng, market: dict, market_code: str, now: datetime) -> None:
    order = demo.order
    shipped_at = order.rts_time
    if order.status == S.PARTIALLY_SHIPPING:
        shipped_at = order.paid_time + (now - order.paid_time) / 2
        order.update_time = shipped_at
    if shipped_at is None:
        return
    carrier = rng.choice(market["carriers"])
    package = Package(
        package_id="11" + digits_str(rng, 16),
        shipping_provider_name=carrier,
        tracking_number=_tracking_number(rng, carrier),
        tracking_provider="simulator",
        package_status=PACKAGE_STATUS_FOR_ORDER[order.status]
        or (
            PackageStatus.FULFILLING
            if order.status == S.PARTIALLY_SHIPPING
            else PackageStatus.PROCESSING
        ),
    )
    demo.packages.append(package)
    lines = demo.lines[:1] if order.status == S.PARTIALLY_SHIPPING else demo.lines
    for line in lines:
        line.package = package
    if order.status == S.PARTIALLY_SHIPPING:
        for line in demo.lines[1:]:
            line.display_status = LineStatus.AWAITING_SHIPMENT
        lines[0].display_status = LineStatus.IN_TRANSIT

    places = data.CHECKPOINT_PLACES.get(market_code, data.CHECKPOINT_PLACES["US"])
    scans = [(shipped_at, T.INFO_RECEIVED, places[0], "Shipping label created")]
    collected = order.collection_time or (
        shipped_at if order.status == S.PARTIALLY_SHIPPING else None
    )
    end = order.delivery_time or order.cancel_time or now
    if collected:
        scans.append((collected, T.IN_TRANSIT, places[0], "Picked up by carrier"))
        hops = rng.randint(1, 3)
        for i in range(1, hops + 1):
            when = collected + (end - collected) * i / (hops + 2)
            scans.append(
                (when, T.IN_TRANSIT, rng.choice(places[1:]), "Arrived at sorting facility")
            )
        city = order.city or places[-1]
        if order.delivery_time:
            scans.append(
                (
                    order.delivery_time - timedelta(hours=rng.uniform(2, 6)),
                    T.OUT_FOR_DELIVERY,
                    city,
                    "Out for delivery",
                )
            )
            scans.append((order.delivery_time, T.DELIVERED, city, "Delivered, front door"))
        elif order.status == S.CANCELLED:
            scans.append((order.cancel_time, T.RETURNED, places[0], "Returned to sender"))
        elif order.status == S.IN_TRANSIT:
            roll = rng.random()
            late = end - timedelta(hours=rng.uniform(1, 12))
            if roll < 0.06:
                scans.append((late, T.EXCEPTION, city, "Address information needed"))
            elif roll < 0.1:
                scans.append((late, T.ATTEMPT_FAIL, city, "Delivery attempted, nobody home"))
            elif roll < 0.12:
                scans.append((late, T.AVAILABLE_FOR_PICKUP, city, "Held at local post office"))
            elif roll < 0.3 and now - collected > timedelta(hours=30):
                scans.append((late, T.OUT_FOR_DELIVERY, city, "Out for delivery"))
    scans = [scan for scan in scans if scan[0] <= now]
    scans.sort(key=lambda scan: scan[0])
    for when, status, location, message in scans:
        demo.checkpoints.append(
            (
                0,
                TrackingCheckpoint(
                    occurred_at=when,
                    status=status,
                    location=location,
                    message=message,
                    raw={"provider": "simulator", "status": status},
                    fingerprint=checkpoint_fingerprint(when, status, message),
                ),
            )
        )
    last = scans[-1]
    package.tracking_status = last[1]
    package.last_checkpoint_at, package.last_checkpoint_message = last[0], last[3]
    if collected:
        package.estimated_delivery_date = (
            (collected + timedelta(days=4)).astimezone(order.shop.zone).date()
        )
    if package.tracking_status not in (T.DELIVERED, T.RETURNED, T.EXPIRED):
        package.next_poll_at = now + timedelta(minutes=rng.randint(5, 240))


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
