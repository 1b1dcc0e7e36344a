"""Storing TikTok's orders: create, update or leave alone, a batch at a time; the one place
that writes an order, its lines and packages, whether TikTok's API or a TikTok file brings it.

Each API object is read by the one mapping (orders.tiktok_order), as is each order of a file
(the importer reads its rows into the same values). TikTok is authoritative, but an order
older than what is stored (its `update_time`) never overwrites it, and one identical to it
changes nothing and writes no event, so applying the same answer or file twice is applying it
once. An order that cannot be read, or that the database refuses, is refused alone with its
reason (logged with the shop and the order id); the rest of the batch is stored. How each
source compares and what its timeline entry says: services/upsert_compare.py and
services/upsert_write.py.
"""

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef

from accounts.models import Shop
from orders.models import Order, OrderEvent
from orders.services.id_lists import among
from orders.services.upsert_compare import UpsertBy, fills, order_change
from orders.services.upsert_same import same_as_stored, stored_rows
from orders.services.upsert_write import orders_create, orders_update
from orders.statuses import ActorType
from orders.tiktok_order import OrderRefused, TikTokOrder, tiktok_order_read

log = logging.getLogger(__name__)
API_SOURCES = ("sync", "webhook")


@dataclass
class UpsertReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # older than what is stored: left alone
    refused: list[tuple[str, str]] = field(default_factory=list)  # (order id, reason)
    outcomes: list[tuple[str, str]] | None = None  # (order id, outcome), when asked for

    def count(self, order_id: str, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if self.outcomes is not None:
            self.outcomes.append((order_id, outcome))

    def add(self, other: "UpsertReport") -> None:
        for name in ("created", "updated", "unchanged", "older"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.refused.extend(other.refused)
        if self.outcomes is not None and other.outcomes is not None:
            self.outcomes.extend(other.outcomes)

    def as_dict(self) -> dict:
        counts = {n: getattr(self, n) for n in ("created", "updated", "unchanged", "older")}
        return {**counts, "refused": len(self.refused)}


def tiktok_orders_upsert(*, shop: Shop, objects: list, source: str) -> UpsertReport:
    """Store these TikTok order objects of `shop`; `source` ("sync", "webhook") goes into
    the timeline of every order created or changed."""
    report = UpsertReport()
    latest: dict[str, TikTokOrder] = {}
    for obj in objects:
        try:
            order = tiktok_order_read(obj)
        except OrderRefused as refused:
            _refuse(report, shop, refused.order_id, refused.reason)
            continue
        kept = latest.get(order.order_id)
        if kept is None or order.update_time >= kept.update_time:
            latest[order.order_id] = order
    report.add(orders_upsert(shop=shop, orders=list(latest.values()), by=UpsertBy(source)))
    return report


def orders_upsert(
    *,
    shop: Shop,
    orders: list[TikTokOrder],
    by: UpsertBy,
    write: bool = True,
    outcomes: bool = False,
) -> UpsertReport:
    """Store these orders of `shop` (one per order id), brought `by` TikTok's API or a file;
    without `write`, only count what storing them would do (a file's preview). `outcomes`
    lists what happened to each order."""
    if not write:
        return _apply(shop, orders, by, write=False, outcomes=outcomes)
    try:
        with transaction.atomic():
            return _apply(shop, orders, by, outcomes=outcomes)
    except DatabaseError:
        report = UpsertReport(outcomes=[] if outcomes else None)
        for order in orders:  # what the database refused is found alone, the rest stored
            try:
                with transaction.atomic():
                    report.add(_apply(shop, [order], by, outcomes=outcomes))
            except DatabaseError as error:
                _refuse(report, shop, order.order_id, f"not stored ({type(error).__name__})")
        return report


def _refuse(report: UpsertReport, shop: Shop, order_id: str, reason: str) -> None:
    log.warning("tiktok order refused: shop %s, order %s: %s", shop.slug, order_id or "?", reason)
    report.refused.append((order_id, reason))


def _stored(shop: Shop, ids: list[str], by: UpsertBy, *, write: bool) -> dict[str, Order]:
    """The shop's orders with these ids, locked when they are to be written; for a file, each
    says whether TikTok's API stored it last (an API event at its update time)."""
    orders = Order.objects.select_for_update(of=("self",)) if write else Order.objects
    if by.file:
        orders = orders.annotate(
            api_last=Exists(
                OrderEvent.objects.filter(
                    order=OuterRef("pk"),
                    actor_type=ActorType.TIKTOK,
                    payload__source__in=API_SOURCES,
                    occurred_at__gte=OuterRef("update_time"),
                )
            )
        )
    # By order id alone, the shop checked here: a shop filled since the last ANALYZE looks
    # empty to the planner, which then reads all its orders through the shop index each time.
    rows = orders.filter(**among("order_id", ids)).prefetch_related("lines", "packages")
    return {order.order_id: order for order in rows if order.shop_id == shop.pk}


def _apply(shop: Shop, orders: list[TikTokOrder], by: UpsertBy, *, write=True, outcomes=False):
    report = UpsertReport(outcomes=[] if outcomes else None)
    ids = [order.order_id for order in orders]
    elsewhere = set(
        Order.objects.filter(**among("order_id", ids))
        .exclude(shop=shop)
        .values_list("order_id", flat=True)
    )
    rows = stored_rows(shop, orders, by, write=write)
    same = same_as_stored(orders, rows, by)
    changed = [order_id for order_id in rows if order_id not in same]
    stored = _stored(shop, changed, by, write=write) if changed else {}
    new, changes = [], []
    for order in orders:
        current = stored.get(order.order_id)
        if order.order_id in elsewhere:
            _refuse(report, shop, order.order_id, "the order belongs to another shop")
            continue
        if order.order_id in same:  # as stored: no model loaded (services/upsert_same.py)
            older = not by.file and order.update_time < same[order.order_id]
            outcome = "older" if older else "unchanged"
        elif current is None:
            new.append(order)
            outcome = "created"
        else:
            change, outcome = _change(current, order, by)
            if change and _over_refunded(change):
                _refuse(report, shop, order.order_id, "refunded more than its new total")
                continue
            if change:
                changes.append(change)
        report.count(order.order_id, outcome)
    if write:
        orders_create(shop, new, by)
        orders_update(changes, by)
    return report


def _over_refunded(change) -> bool:
    written = {name: change.order.fields[name] for name in change.fields}
    refunded = written.get("refunded_amount", change.stored.refunded_amount)
    return refunded > written.get("total_amount", change.stored.total_amount)


def _change(current: Order, order: TikTokOrder, by: UpsertBy):
    """(the change to write or None, the outcome). From the API, an order older than the stored
    one is left alone. From a file, which has no update time of its own but its latest time: as
    old as the stored update time (to the second) is new enough, unless TikTok's API stored the
    order last; then only a later time is, and an older file only fills what the API never says."""
    if not by.file:
        if order.update_time < current.update_time:
            return None, "older"
        change = order_change(current, order, by)
        return change, "updated" if change else "unchanged"
    change = order_change(current, order, by)
    if change is None:
        return None, "unchanged"
    stored_time = current.update_time.replace(microsecond=0)
    newer = (
        order.update_time > stored_time if current.api_last else order.update_time >= stored_time
    )
    if newer:
        return change, "updated"
    if current.api_last and (filled := fills(current, order)):
        return filled, "updated"
    return None, "older"
