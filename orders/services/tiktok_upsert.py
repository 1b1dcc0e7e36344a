"""Storing TikTok's order objects: create, update or leave alone, a batch at a time.

Each object is read by the one mapping (orders.tiktok_order). TikTok is authoritative, but an
object older than what is stored (its `update_time`) never overwrites it, and one identical to
it changes nothing and writes no event, so applying the same answer twice is applying it once.
An order that cannot be read, or that the database refuses, is refused alone with its reason
(logged with the shop and the order id); the rest of the batch is stored. Lines and packages
take what TikTok says of them, then follow the order's status (services/order_parts.py).
"""

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Shop
from orders.models import LATER_TIMES, Order, OrderEvent, OrderLine, Package
from orders.services.order_parts import order_parts_follow
from orders.statuses import ActorType, EventKind
from orders.tiktok_order import ADDRESS_FIELDS, OrderRefused, TikTokOrder, tiktok_order_read

log = logging.getLogger(__name__)
BATCH = 500
ADDRESS_CHANGES = ADDRESS_FIELDS | {"has_updated_recipient_address"}


@dataclass
class UpsertReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # older than what is stored: left alone
    refused: list[tuple[str, str]] = field(default_factory=list)  # (order id, reason)

    def add(self, other: "UpsertReport") -> None:
        for name in ("created", "updated", "unchanged", "older"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.refused.extend(other.refused)

    def as_dict(self) -> dict:
        counts = {n: getattr(self, n) for n in ("created", "updated", "unchanged", "older")}
        return {**counts, "refused": len(self.refused)}


@dataclass
class _Change:
    stored: Order
    order: TikTokOrder
    fields: list[str]
    lines: list  # (stored line or None, LineValues)
    packages: list  # (stored package or None, PackageValues)


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
    orders = list(latest.values())
    try:
        with transaction.atomic():
            batch = _apply(shop, orders, source)
    except DatabaseError:
        batch = UpsertReport()
        for order in orders:  # what the database refused is found alone, the rest stored
            try:
                with transaction.atomic():
                    batch.add(_apply(shop, [order], source))
            except DatabaseError as error:
                _refuse(batch, shop, order.order_id, f"not stored ({type(error).__name__})")
    report.add(batch)
    return report


def _refuse(report: UpsertReport, shop: Shop, order_id: str, reason: str) -> None:
    log.warning("tiktok order refused: shop %s, order %s: %s", shop.slug, order_id or "?", reason)
    report.refused.append((order_id, reason))


def _apply(shop: Shop, orders: list[TikTokOrder], source: str) -> UpsertReport:
    report = UpsertReport()
    ids = [order.order_id for order in orders]
    elsewhere = set(
        Order.objects.filter(order_id__in=ids).exclude(shop=shop).values_list("order_id", flat=True)
    )
    stored = {
        order.order_id: order
        for order in Order.objects.select_for_update(of=("self",))
        .filter(shop=shop, order_id__in=ids)
        .prefetch_related("lines", "packages")
    }
    new, changes = [], []
    for order in orders:
        current = stored.get(order.order_id)
        if order.order_id in elsewhere:
            _refuse(report, shop, order.order_id, "the order belongs to another shop")
        elif current is None:
            new.append(order)
        elif order.update_time < current.update_time:
            report.older += 1
        elif current.refunded_amount > order.fields["total_amount"]:
            _refuse(report, shop, order.order_id, "refunded more than its new total")
        elif change := _compare(current, order):
            changes.append(change)
        else:
            report.unchanged += 1
    _create_all(shop, new, source)
    _update_all(changes, source)
    report.created, report.updated = len(new), len(changes)
    return report


def _package_of(stored: list[Package], key: str, values: dict | None = None) -> Package | None:
    """The stored package TikTok's `key` names; given its values, also the one with the same
    package id or tracking number (a parcel known by its number before TikTok gave its id)."""
    names = {key} | {(values or {}).get(n) for n in ("package_id", "tracking_number")} - {"", None}
    for package in stored:
        if names & {package.package_id, package.tracking_number} - {""}:
            return package
    return None


def _differs(row, values: dict) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _repacked(current: Order, line: OrderLine, values) -> bool:
    """TikTok puts the line in a package it is not in (yet)."""
    if not values.package_key:
        return False
    package = _package_of(list(current.packages.all()), values.package_key)
    return package is None or line.package_id != package.pk


def _compare(current: Order, order: TikTokOrder) -> _Change | None:
    fields = [n for n, value in order.fields.items() if getattr(current, n) != value]
    packages = [
        (package, values)
        for values in order.packages
        if (package := _package_of(list(current.packages.all()), values.key, values.values)) is None
        or _differs(package, values.values)
    ]
    lines_by_sku = {line.sku_id: line for line in current.lines.all()}
    lines = []
    for values in order.lines:
        line = lines_by_sku.get(values.sku_id)
        if line is None or _differs(line, values.values) or _repacked(current, line, values):
            lines.append((line, values))
    if fields or packages or lines:
        return _Change(current, order, fields, lines, packages)
    return None


def _event(order: Order, kind: str, payload: dict, source: str) -> OrderEvent:
    return OrderEvent(
        order=order,
        kind=kind,
        actor_type=ActorType.TIKTOK,
        occurred_at=order.update_time,
        payload={**payload, "source": source},
    )


def _follow(orders: list[Order]) -> None:
    by_status: dict[str, list[int]] = {}
    for order in orders:
        by_status.setdefault(order.status, []).append(order.pk)
    for status, order_ids in by_status.items():
        order_parts_follow(status=status, order_ids=order_ids)


def _create_all(shop: Shop, orders: list[TikTokOrder], source: str) -> None:
    if not orders:
        return
    rows = Order.objects.bulk_create(
        [Order(shop=shop, order_id=order.order_id, **order.fields) for order in orders],
        batch_size=BATCH,
    )
    pairs = list(zip(rows, orders, strict=True))
    packages = Package.objects.bulk_create(
        [Package(order=row, **p.values) for row, order in pairs for p in order.packages],
        batch_size=BATCH,
    )
    by_key = {}
    for package in packages:
        for key in (package.package_id, package.tracking_number):
            if key:
                by_key.setdefault((package.order_id, key), package)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=row,
                sku_id=line.sku_id,
                package=by_key.get((row.pk, line.package_key)),
                **line.values,
            )
            for row, order in pairs
            for line in order.lines
        ],
        batch_size=BATCH,
    )
    _follow(rows)
    OrderEvent.objects.bulk_create(
        [_event(row, EventKind.CREATED, {"status": row.status}, source) for row in rows],
        batch_size=BATCH,
    )


def _changed_parts(change: _Change) -> list[str]:
    """What changed besides the status, in a few words, for the timeline; the times a move
    brings (shipped, delivered, cancelled at) are part of the move."""
    changed = set(change.fields) - {"status", "update_time"}
    if "status" in change.fields:
        changed -= set(LATER_TIMES)
    return [
        *(["recipient address"] if changed & ADDRESS_CHANGES else []),
        *(["details"] if changed - ADDRESS_CHANGES else []),
        *(["items"] if change.lines else []),
        *(["packages"] if change.packages else []),
    ]


def _update_all(changes: list[_Change], source: str) -> None:
    if not changes:
        return
    now = timezone.now()
    events, moved, fields = [], [], set()
    new_packages, changed_packages, package_fields = [], [], set()
    for change in changes:
        for package, values in change.packages:
            if package is None:
                new_packages.append(Package(order=change.stored, **values.values))
            else:
                for name, value in values.values.items():
                    setattr(package, name, value)
                package_fields |= set(values.values)
                changed_packages.append(package)
    created = Package.objects.bulk_create(new_packages, batch_size=BATCH)
    if changed_packages:
        Package.objects.bulk_update(changed_packages, sorted(package_fields), batch_size=BATCH)
    new_lines, changed_lines, line_fields = [], [], {"package"}
    for change in changes:
        current, order = change.stored, change.order
        known = [*current.packages.all(), *(p for p in created if p.order_id == current.pk)]
        for line, values in change.lines:
            package = _package_of(known, values.package_key) if values.package_key else None
            if line is None:
                new_lines.append(
                    OrderLine(order=current, sku_id=values.sku_id, package=package, **values.values)
                )
                continue
            for name, value in values.values.items():
                setattr(line, name, value)
            line.package = package or line.package
            line_fields |= set(values.values)
            changed_lines.append(line)
        before = current.status
        for name in change.fields:
            setattr(current, name, order.fields[name])
        current.modified_at = now
        fields |= set(change.fields)
        if current.status != before:
            moved.append(current)
        payload = {
            "from": before,
            "to": current.status,
            "changed": sorted(change.fields),
            "lines": sorted(values.sku_id for _, values in change.lines),
            "parts": _changed_parts(change),
        }
        kind = EventKind.STATUS_CHANGED if current.status != before else EventKind.UPDATED
        events.append(_event(current, kind, payload, source))
    Order.objects.bulk_update(
        [change.stored for change in changes], sorted({*fields, "modified_at"}), batch_size=BATCH
    )
    OrderLine.objects.bulk_create(new_lines, batch_size=BATCH)
    if changed_lines:
        OrderLine.objects.bulk_update(changed_lines, sorted(line_fields), batch_size=BATCH)
    _follow(moved)
    OrderEvent.objects.bulk_create(events, batch_size=BATCH)
