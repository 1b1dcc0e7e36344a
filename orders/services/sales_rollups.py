"""Keeping the daily sales roll-ups (orders/models/sales_rollups.py) equal to the orders.

Every service that changes what a roll-up sums (an order's status, creation time, currency,
destination, money, refund flag, ship times; a line's quantities, amounts or names; a return
request) calls `sales_days_touched` with the orders it changed, inside its transaction. That
marks each order's (shop, local day) dirty in the same transaction (`SalesDayDirty`) and,
once the transaction commits, recomputes the marked days: their roll-up rows are deleted and
the day's orders aggregated again, in one INSERT … SELECT per table, never order by order
(orders/services/sales_rollup_sql.py). A
mark left by a crash between the commit and the recompute is recomputed by the sweep
(`sales_rollups_sweep`, every minute from beat); `sales_rollups_rebuild` recomputes a range.
Each of these recomputes the monthly roll-ups of the months whose days it recomputed, in the
same transaction (orders/services/sales_rollup_months.py).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.db.models.functions import TruncDate

from accounts.models import Shop
from orders.models import (
    Order,
    SalesDay,
    SalesDayDirty,
    SalesDaySku,
    SkuDay,
    SkuDayRegion,
    SkuDayWith,
)
from orders.periods import add_months, local_midnight
from orders.services.sales_rollup_months import MONTH_TABLES, month_of, months_recompute
from orders.services.sales_rollup_sql import rollups_insert

log = logging.getLogger(__name__)

ONE_DAY = timedelta(days=1)
REBUILD_CHUNK_DAYS = 62
# A change of more orders than this at once (an import's or a back-fill's batch) is only marked:
# the sweep recomputes its days within a minute, in a worker, instead of the writer waiting for
# it after every batch; the page reads those days from the orders meanwhile.
RECOMPUTE_AT_COMMIT_ORDERS = 100
ROLLUP_TABLES = (SalesDay, SalesDaySku, SkuDay, SkuDayRegion, SkuDayWith, *MONTH_TABLES)


# --- marking --------------------------------------------------------------------------------


def sales_days_touched(orders: Iterable) -> None:
    """The roll-ups of these orders' days are out of date: mark them in the caller's
    transaction and recompute them once it commits (more than RECOMPUTE_AT_COMMIT_ORDERS
    orders: at the next sweep). `orders` holds Order instances or (shop id, create time)
    pairs; call it after the change, and with the old values as well when a shop, currency or
    creation time changed."""
    pairs = {(o.shop_id, o.create_time) if isinstance(o, Order) else (o[0], o[1]) for o in orders}
    pairs = {(shop_id, created) for shop_id, created in pairs if shop_id and created}
    if not pairs:
        return
    zones = {s.pk: s.zone for s in Shop.objects.filter(pk__in={shop_id for shop_id, _ in pairs})}
    days = {(shop_id, created.astimezone(zones[shop_id]).date()) for shop_id, created in pairs}
    SalesDayDirty.objects.bulk_create(
        [SalesDayDirty(shop_id=shop_id, day=day) for shop_id, day in sorted(days)],
        ignore_conflicts=True,
        batch_size=500,
    )
    if len(pairs) > RECOMPUTE_AT_COMMIT_ORDERS:
        return
    marked = defaultdict(set)
    for shop_id, day in days:
        marked[shop_id].add(day)
    transaction.on_commit(lambda: sales_days_recompute(dict(marked)), robust=True)


def sales_shop_zone_changed(shop: Shop) -> None:
    """The shop's time zone changed, so every local day did: its roll-ups are dropped and all
    its days with orders marked (read directly until recomputed after commit)."""
    _drop(shop=shop)
    days = set(
        Order.objects.filter(shop=shop)
        .annotate(local_day=TruncDate("create_time", tzinfo=shop.zone))
        .values_list("local_day", flat=True)
        .distinct()
        .order_by()
    )
    if not days:
        return
    SalesDayDirty.objects.bulk_create(
        [SalesDayDirty(shop=shop, day=day) for day in sorted(days)],
        ignore_conflicts=True,
        batch_size=500,
    )
    transaction.on_commit(lambda: sales_days_recompute({shop.pk: days}), robust=True)


# --- recomputing ----------------------------------------------------------------------------


def sales_days_recompute(marked: dict[int, set[date]] | None = None) -> int:
    """Recompute the marked days still dirty (all dirty days when `marked` is None), one
    transaction per shop; a day another recompute already did is skipped. Returns the days
    recomputed."""
    if marked is None:
        marked = defaultdict(set)
        for shop_id, day in SalesDayDirty.objects.values_list("shop_id", "day"):
            marked[shop_id].add(day)
    done = 0
    for shop_id in sorted(marked):
        with transaction.atomic():
            shop = _locked_shop(shop_id)
            if shop is None:
                continue
            dirty = SalesDayDirty.objects.filter(shop=shop, day__in=sorted(marked[shop_id]))
            days = set(dirty.values_list("day", flat=True))
            if not days:
                continue
            dirty.filter(day__in=sorted(days)).delete()
            _drop(shop=shop, day__in=sorted(days))
            rollups_insert(shop, _window(shop, days))
            months_recompute(shop, {month_of(day) for day in days})
            done += len(days)
    return done


def sales_rollups_sweep() -> int:
    """Recompute the days a crash left marked (between a commit and its recompute)."""
    done = sales_days_recompute(None)
    if done:
        log.info("sales roll-ups: %s dirty days recomputed by the sweep", done)
    return done


def sales_rollups_rebuild(
    *, shops: Iterable[Shop], first: date | None = None, after: date | None = None
) -> int:
    """Recompute the roll-ups of these shops for local days first..after-1 (by default every
    day with orders, and rows outside those days are dropped), in chunks of days, one
    INSERT … SELECT per table and chunk. Returns the days covered."""
    covered = 0
    for shop in shops:
        start, end = first, after
        if start is None or end is None:
            span = Order.objects.filter(shop=shop).aggregate(
                low=Min("create_time"), high=Max("create_time")
            )
            if span["low"] is None:
                start = end = start or end or date.today()
            else:
                start = start or span["low"].astimezone(shop.zone).date()
                end = end or span["high"].astimezone(shop.zone).date() + ONE_DAY
            if first is None and after is None:
                with transaction.atomic():
                    outside = Q(day__lt=start) | Q(day__gte=end)
                    _drop(outside, shop=shop)
        chunk = start
        while chunk < end:
            chunk_end = min(chunk + timedelta(days=REBUILD_CHUNK_DAYS), end)
            with transaction.atomic():
                locked = _locked_shop(shop.pk)
                in_chunk = {"shop": locked, "day__gte": chunk, "day__lt": chunk_end}
                SalesDayDirty.objects.filter(**in_chunk).delete()
                _drop(**in_chunk)
                rollups_insert(locked, _range(locked, chunk, chunk_end))
                months_recompute(locked, _months(chunk, chunk_end))
            covered += (chunk_end - chunk).days
            chunk = chunk_end
    _analyze()
    return covered


def _months(first: date, after: date) -> list[date]:
    """The first days of the months that days first..after-1 fall in."""
    months, month = [], month_of(first)
    while month < after:
        months.append(month)
        month = add_months(month, 1)
    return months


def _analyze() -> None:
    """Fresh planner statistics after a rebuild: with the estimates of empty tables, PostgreSQL
    sorts a year of roll-up rows on disk instead of hashing them (docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in ROLLUP_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _drop(*conditions, **filters) -> None:
    """Delete the daily and monthly rows these conditions select (a month by its first day:
    the caller recomputes the months of the days it recomputes)."""
    for model in ROLLUP_TABLES:
        model.objects.filter(*conditions, **filters).delete()


# pg_advisory_xact_lock's first key: "sales roll-ups"; the second is the shop's id.
ADVISORY_LOCK_SPACE = 0x5A1E5


def _locked_shop(shop_id: int) -> Shop | None:
    """The shop, with a lock of its own (a PostgreSQL advisory lock until the transaction
    ends) so that two recomputes of its days take turns; the shop's row itself is not locked,
    so nothing else that locks it (an action being claimed, a refund) waits for a recompute.
    SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_SPACE, shop_id])
    return Shop.objects.filter(pk=shop_id).first()


def _range(shop: Shop, first: date, after: date) -> Q:
    return Q(
        create_time__gte=local_midnight(first, shop.zone),
        create_time__lt=local_midnight(after, shop.zone),
    )


def _window(shop: Shop, days: set[date]) -> Q:
    """The creation times of these local days: one range per run of consecutive days."""
    window = Q()
    ordered = sorted(days)
    run_start = previous = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == previous + ONE_DAY:
            previous = day
            continue
        window |= _range(shop, run_start, previous + ONE_DAY)
        if day is not None:
            run_start = previous = day
    return window
