"""Writing what storing TikTok's orders changes, a batch at a time: a few bulk statements
whatever its size (no query per order), and each order's timeline entry.

The entry says who brought the change: TikTok's sync or a webhook (created, status changed,
details updated, with the source), or a TikTok file ("Imported", naming its import job).
Lines and packages take what the source says of them, then follow the order's status
(services/order_parts.py); a new line that has no status of its own says what the order's
status implies.
"""

from django.utils import timezone

from accounts.models import Shop
from orders.models import LATER_TIMES, Order, OrderEvent, OrderLine, Package
from orders.services.bulk_insert import insert_values
from orders.services.order_parts import new_parts_follow, order_parts_follow
from orders.services.sales_rollups import sales_days_touched
from orders.services.upsert_compare import Change, UpsertBy, package_of
from orders.statuses import LINE_STATUS_FOR_ORDER, ActorType, EventKind, LineStatus
from orders.tiktok_order import ADDRESS_FIELDS, LineValues, TikTokOrder

BATCH = 500
ADDRESS_CHANGES = ADDRESS_FIELDS | {"has_updated_recipient_address"}


def _event_values(kind: str, payload: dict, by: UpsertBy) -> dict:
    if by.file:
        kind, source = EventKind.IMPORTED, {}
    else:
        source = {"source": by.source}
    return {
        "kind": kind,
        "actor_type": ActorType.TIKTOK,
        "payload": {**payload, **source},
        "import_job_id": by.job.pk if by.job else None,
    }


def _event(order: Order, kind: str, payload: dict, by: UpsertBy) -> OrderEvent:
    return OrderEvent(
        order=order, occurred_at=order.update_time, **_event_values(kind, payload, by)
    )


def _follow(orders: list[Order]) -> None:
    by_status: dict[str, list[int]] = {}
    for order in orders:
        by_status.setdefault(order.status, []).append(order.pk)
    for status, order_ids in by_status.items():
        order_parts_follow(status=status, order_ids=order_ids)


def _line_values(status: str, values: LineValues) -> dict:
    """A new line's fields: a line without a status of its own says what the order's implies."""
    implied = LINE_STATUS_FOR_ORDER[status] or LineStatus.AWAITING_SHIPMENT
    return {"sku_id": values.sku_id, "display_status": implied, **values.values}


def _new_line(order: Order, values: LineValues, package: Package | None) -> OrderLine:
    return OrderLine(order=order, package=package, **_line_values(order.status, values))


def _default(model, name: str):
    return model._meta.get_field(name).get_default()


def orders_create(shop: Shop, orders: list[TikTokOrder], by: UpsertBy) -> None:
    """New orders with their packages, lines and timeline entries, given as field values
    (services/bulk_insert.py: COPY on PostgreSQL, no model instance each; bulk_create
    elsewhere). Their lines and packages follow the order's status before they are inserted,
    as order_parts_follow would make them after."""
    if not orders:
        return
    rows = [{"shop_id": shop.pk, "order_id": order.order_id, **order.fields} for order in orders]
    keys = insert_values(Order, rows)
    statuses = [row.get("status", _default(Order, "status")) for row in rows]
    unknown = _default(Package, "package_status")
    package_rows, new_lines = [], []
    for key, status, order in zip(keys, statuses, orders, strict=True):
        packages = [
            {"order_id": key, "package_status": unknown, **p.values} for p in order.packages
        ]
        lines = [{"order_id": key, **_line_values(status, line)} for line in order.lines]
        new_parts_follow(status, lines, packages)
        package_rows += packages
        new_lines.append((key, order.lines, lines))
    by_key = {}
    for package, package_key in zip(
        package_rows, insert_values(Package, package_rows), strict=True
    ):
        for name in ("package_id", "tracking_number"):
            if value := package.get(name):
                by_key.setdefault((package["order_id"], value), package_key)
    for key, lines, line_rows in new_lines:
        for line, row in zip(lines, line_rows, strict=True):
            row["package_id"] = by_key.get((key, line.package_key))
    insert_values(OrderLine, [row for _, _, line_rows in new_lines for row in line_rows])
    sales_days_touched([(shop.pk, row.get("create_time")) for row in rows])
    payload = {"created": True} if by.file else {}
    events = [
        {
            "order_id": key,
            "occurred_at": row.get("update_time", _default(Order, "update_time")),
            **_event_values(EventKind.CREATED, {**payload, "status": status}, by),
        }
        for key, row, status in zip(keys, rows, statuses, strict=True)
    ]
    insert_values(OrderEvent, events)


def _changed_parts(change: Change) -> list[str]:
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


def _packages_write(changes: list[Change]) -> list[Package]:
    """New and changed packages; returns the new ones."""
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
    return created


def orders_update(changes: list[Change], by: UpsertBy) -> None:
    if not changes:
        return
    now = timezone.now()
    events, moved, fields = [], [], set()
    # The days the orders were on: a creation time may change too.
    days_before = [(change.stored.shop_id, change.stored.create_time) for change in changes]
    created = _packages_write(changes)
    new_lines, changed_lines, line_fields = [], [], {"package"}
    for change in changes:
        current, order = change.stored, change.order
        before = current.status
        for name in change.fields:
            setattr(current, name, order.fields[name])
        known = [*current.packages.all(), *(p for p in created if p.order_id == current.pk)]
        for line, values in change.lines:
            package = package_of(known, values.package_key) if values.package_key else None
            if line is None:
                new_lines.append(_new_line(current, values, package))
                continue
            for name, value in values.values.items():
                setattr(line, name, value)
            line.package = package or line.package
            line_fields |= set(values.values)
            changed_lines.append(line)
        if by.file:  # a file's latest time moves the order's update time forward only
            current.update_time = max(current.update_time, order.update_time)
        current.modified_at = now
        fields |= set(change.fields)
        if current.status != before:
            moved.append(current)
        payload = {
            "from": before,
            "to": current.status,
            "changed": sorted(change.fields),
            "lines": sorted(values.sku_id for _, values in change.lines),
        }
        if not by.file:
            payload["parts"] = _changed_parts(change)
        kind = EventKind.STATUS_CHANGED if current.status != before else EventKind.UPDATED
        events.append(_event(current, kind, payload, by))
    Order.objects.bulk_update(
        [change.stored for change in changes],
        sorted({*fields, "update_time", "modified_at"}),
        batch_size=BATCH,
    )
    OrderLine.objects.bulk_create(new_lines, batch_size=BATCH)
    if changed_lines:
        OrderLine.objects.bulk_update(changed_lines, sorted(line_fields), batch_size=BATCH)
    _follow(moved)
    sales_days_touched([*days_before, *(change.stored for change in changes)])
    OrderEvent.objects.bulk_create(events, batch_size=BATCH)
