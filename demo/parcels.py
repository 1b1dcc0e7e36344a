"""A demo order's parcel and the carrier scans it has had by now."""

from datetime import datetime, timedelta

from demo import words as data
from demo.parts import DemoOrder, digits_str, random_tracking_number
from orders.models import Package
from orders.statuses import (
    PACKAGE_STATUS_FOR_ORDER,
    LineStatus,
    OrderStatus,
    PackageStatus,
    TrackingStatus,
)
from tracking.models import TrackingCheckpoint, checkpoint_fingerprint

S = OrderStatus
T = TrackingStatus


def packages_add(demo: DemoOrder, rng, market: dict, market_code: str, now: datetime) -> None:
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
        tracking_number=random_tracking_number(rng, carrier),
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
