"""What carriers report, stored: checkpoints append-only and deduplicated, the package's status
taken from its newest checkpoint by the carrier's time (so repeated or out-of-order reports
change nothing), and the order following its parcels through the status service.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from orders.models import Order, OrderEvent, Package
from orders.services.status import order_status_change
from orders.statuses import (
    FINAL_TRACKING_STATUSES,
    UNSHIPPED,
    ActorType,
    EventKind,
    OrderStatus,
    PackageStatus,
    TrackingStatus,
)
from tracking.carriers.base import TrackingUpdate
from tracking.models import TrackingCheckpoint, checkpoint_fingerprint

T = TrackingStatus
# How soon to ask again, by status: often when a parcel is about to arrive, rarely when idle.
POLL_EVERY = {
    T.PENDING: timedelta(hours=4),
    T.INFO_RECEIVED: timedelta(hours=4),
    T.IN_TRANSIT: timedelta(hours=3),
    T.OUT_FOR_DELIVERY: timedelta(minutes=30),
    T.AVAILABLE_FOR_PICKUP: timedelta(hours=6),
    T.ATTEMPT_FAIL: timedelta(hours=2),
    T.EXCEPTION: timedelta(hours=6),
    T.RETURNING: timedelta(hours=12),
}


IDLE_AFTER = timedelta(days=3)  # no news for this long: ask twice a day
IDLE_EVERY = timedelta(hours=12)
MOVING = frozenset(set(T) - {T.PENDING, T.INFO_RECEIVED, T.EXPIRED})


def _expire_after() -> timedelta:
    """No news for this long and the parcel is EXPIRED (a setting, read when used)."""
    return timedelta(days=settings.TRACKING_EXPIRE_DAYS)


def next_poll_at(package: Package, status: str, now: datetime) -> datetime | None:
    """When to ask the provider again; None once the parcel's story is over.

    A few percent of jitter, fixed per package, keeps parcels registered together from all
    falling due in the same minute.
    """
    if status in FINAL_TRACKING_STATUSES:
        return None
    every = POLL_EVERY.get(status, timedelta(hours=4))
    last = package.last_checkpoint_at
    if last and now - last > IDLE_AFTER:
        every = max(every, IDLE_EVERY)
    spread = (package.pk or 0) % 97 / 97 * 0.2  # 0–20 %
    return now + every * (1 + spread)


PACKAGE_FIELDS = [
    "tracking_status",
    "tracking_substatus",
    "last_checkpoint_at",
    "last_checkpoint_message",
    "estimated_delivery_date",
    "package_status",
    "poll_failures",
    "next_poll_at",
]


def tracking_apply(*, package_id: int, update: TrackingUpdate, now: datetime | None = None):
    """Store one provider update for a package; returns the package as it now stands."""
    tracking_apply_batch({package_id: update}, now=now)
    return Package.objects.get(pk=package_id)


def tracking_apply_batch(updates: dict[int, TrackingUpdate], *, now: datetime | None = None):
    """Store provider updates for many packages (id → update) in a handful of statements.

    Returns the ids of the packages whose status changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        packages = list(
            Package.objects.select_for_update().filter(pk__in=list(updates)).order_by("pk")
        )
        TrackingCheckpoint.objects.bulk_create(
            [
                TrackingCheckpoint(
                    package_id=package.pk,
                    occurred_at=c.occurred_at,
                    status=c.status,
                    location=c.location[:160],
                    message=c.message[:255],
                    raw=c.raw,
                    fingerprint=checkpoint_fingerprint(c.occurred_at, c.status, c.message),
                )
                for package in packages
                for c in updates[package.pk].checkpoints
            ],
            ignore_conflicts=True,  # (package, fingerprint) is unique: repeats are dropped
            batch_size=1000,
        )
        newest = _newest_checkpoints([package.pk for package in packages])
        events, changed = [], []
        for package in packages:
            before = package.tracking_status
            _derive(package, updates[package.pk], newest.get(package.pk), now)
            if package.tracking_status != before:
                changed.append(package)
                events.append(_event(package, before, newest.get(package.pk), now))
        _save_packages(packages)
        OrderEvent.objects.bulk_create(events)
        for order_id in _orders_to_advance(changed):
            _order_follows(order_id)
    return [package.pk for package in changed]


def _save_packages(packages: list[Package]) -> None:
    """One UPDATE per package sent as a single batch (psycopg pipelines `executemany`):
    Django's bulk_update builds a CASE per field and row, which costs more than the polling."""
    fields = [Package._meta.get_field(name) for name in PACKAGE_FIELDS]
    table = connection.ops.quote_name(Package._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(package, f.attname), connection) for f in fields] + [package.pk]
        for package in packages
    ]
    with connection.cursor() as cursor:
        key = connection.ops.quote_name(Package._meta.pk.column)
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE {key} = %s", rows)  # noqa: S608


def _newest_checkpoints(package_ids: list[int]) -> dict[int, TrackingCheckpoint]:
    """Each package's newest checkpoint by carrier time, in two statements for all of them."""
    newest = TrackingCheckpoint.objects.filter(package=OuterRef("pk")).order_by(
        "-occurred_at", "-id"
    )
    ids = (
        Package.objects.filter(pk__in=package_ids)
        .annotate(newest_id=Subquery(newest.values("pk")[:1]))
        .exclude(newest_id=None)
        .values_list("newest_id", flat=True)
    )
    return {c.package_id: c for c in TrackingCheckpoint.objects.filter(pk__in=list(ids))}


def _derive(package: Package, update: TrackingUpdate, newest, now: datetime) -> None:
    """The package as its newest checkpoint (and the provider's latest word) describe it."""
    status = newest.status if newest else package.tracking_status
    silent_for = now - newest.occurred_at if newest else timedelta(0)
    if status not in FINAL_TRACKING_STATUSES and silent_for > _expire_after():
        status = T.EXPIRED
    package.tracking_status = status
    if update.substatus:
        package.tracking_substatus = update.substatus[:64]
    if newest:
        package.last_checkpoint_at = newest.occurred_at
        package.last_checkpoint_message = newest.message
    if update.estimated_delivery:
        package.estimated_delivery_date = update.estimated_delivery
    if status == T.DELIVERED:
        package.package_status = PackageStatus.COMPLETED
    elif status in MOVING and package.package_status == PackageStatus.TO_FULFILL:
        package.package_status = PackageStatus.FULFILLING
    package.poll_failures = 0
    package.next_poll_at = next_poll_at(package, status, now)


def _event(package: Package, before: str, newest, now: datetime) -> OrderEvent:
    return OrderEvent(
        order_id=package.order_id,
        kind=EventKind.TRACKING_UPDATED,
        actor_type=ActorType.CARRIER,
        occurred_at=newest.occurred_at if newest else now,
        payload={
            "package": package.pk,
            "tracking_number": package.tracking_number,
            "from": before,
            "to": package.tracking_status,
            "message": package.last_checkpoint_message,
            "location": newest.location if newest else "",
        },
    )


def _orders_to_advance(changed: list[Package]) -> list[int]:
    """Orders a package change may move: unshipped with a moving parcel, or in transit with
    a delivered one (one query for the whole batch)."""
    moving = {p.order_id for p in changed if p.tracking_status in MOVING}
    delivered = {p.order_id for p in changed if p.tracking_status == T.DELIVERED}
    statuses = dict(Order.objects.filter(pk__in=moving | delivered).values_list("pk", "status"))
    return sorted(
        order_id
        for order_id, status in statuses.items()
        if (status in UNSHIPPED and order_id in moving)
        or (status == OrderStatus.IN_TRANSIT and order_id in delivered)
    )


def _order_follows(order_id: int) -> None:
    """First carrier scan → in transit; every package delivered → delivered (carrier's time)."""
    order = Order.objects.get(pk=order_id)
    checkpoints = TrackingCheckpoint.objects.filter(package__order_id=order_id)
    if order.status in UNSHIPPED:
        first_scan = (
            checkpoints.filter(status__in=MOVING)
            .order_by("occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        if first_scan:
            order_status_change(
                order=order,
                new_status=OrderStatus.IN_TRANSIT,
                actor_type=ActorType.CARRIER,
                occurred_at=max(first_scan, order.update_time),
            )
    packages = list(
        Package.objects.filter(order_id=order_id).values_list("tracking_status", flat=True)
    )
    if (
        order.status == OrderStatus.IN_TRANSIT
        and packages
        and all(status == T.DELIVERED for status in packages)
    ):
        delivered = (
            checkpoints.filter(status=T.DELIVERED)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        order_status_change(
            order=order,
            new_status=OrderStatus.DELIVERED,
            actor_type=ActorType.CARRIER,
            occurred_at=max(delivered or timezone.now(), order.update_time),
        )


def tracking_failed(*, package_ids: list[int], now: datetime | None = None) -> None:
    """A provider call for these packages failed: ask again later, backing off each time."""
    now = now or timezone.now()
    for package in Package.objects.filter(pk__in=package_ids):
        package.poll_failures = min(package.poll_failures + 1, 30)
        backoff = timedelta(minutes=5) * 2 ** min(package.poll_failures, 8)
        spread = (package.pk % 97) / 97 * 0.3
        package.next_poll_at = now + backoff * (1 + spread)
        package.save(update_fields=["poll_failures", "next_poll_at"])
