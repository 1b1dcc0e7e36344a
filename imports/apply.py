"""Applying planned orders to a shop: create, update or leave alone, all in one transaction.

Re-importing the same file changes nothing (no new events). A file whose order was updated
later than what is stored updates it and records what changed in the order's timeline; an
older file never overwrites newer data. A dry run counts the same way and writes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import ngettext

from accounts.access import shops_for_user
from accounts.models import Shop
from imports.badrows import BadRows
from imports.cells import RowError
from imports.plan import OrderPlan, other_reading
from imports.report import ImportReport
from orders.models import Order, OrderEvent, OrderLine, Package
from orders.services.order_parts import order_parts_follow
from orders.statuses import LINE_STATUS_FOR_ORDER, ActorType, EventKind, LineStatus

LINE_FIELDS = (
    "seller_sku",
    "product_name",
    "variation",
    "product_category",
    "quantity",
    "returned_quantity",
    "unit_original_price",
    "subtotal_before_discount",
    "platform_discount",
    "seller_discount",
    "subtotal_after_discount",
)


BATCH = 1000  # rows per INSERT/UPDATE statement


class ImportRefused(ValueError):
    """The file has bad rows and skipping them was not asked for: nothing is imported.
    `errors` are the first of each kind, in row order; `total` counts them all."""

    def __init__(self, errors: BadRows):
        # Problems, not rows: the count is of bad cells, and one row may have several.
        text = ngettext("%(n)s problem in the file.", "%(n)s problems in the file.", errors.total)
        super().__init__(text % {"n": f"{errors.total:,}"})
        self.errors: list[RowError] = sorted(errors, key=lambda error: error.row)
        self.total = errors.total


def mark_owned_elsewhere(shop: Shop, plans: list[OrderPlan], *, actor=None) -> None:
    """A TikTok order id is unique across TikTok: an order another shop already has is a bad
    row here (a file imported into the wrong shop), never a second copy of the order. The
    other shop is named only to someone who may see it (`actor` None: the command line)."""
    owners = dict(
        Order.objects.filter(order_id__in=[plan.order_id for plan in plans])
        .exclude(shop=shop)
        .values_list("order_id", "shop_id")
    )
    if not owners:
        return
    visible = shops_for_user(actor) if actor is not None else Shop.objects.all()
    names = dict(visible.filter(pk__in=set(owners.values())).values_list("pk", "name"))
    for plan in plans:
        if plan.order_id in owners:
            name = names.get(owners[plan.order_id])
            where = f"the shop {name}" if name else "another shop"
            reason = f"this order belongs to {where}; is the file from another shop?"
            plan.errors.append(RowError(plan.rows[0], "Order ID", reason))


def apply_batch(
    shop: Shop, plans: list[OrderPlan], report: ImportReport, *, write: bool, job=None
) -> None:
    """Count what a batch of good orders does to the shop and, when `write`, do it: a few
    statements per batch whatever its size (bulk inserts and updates, no query per order).
    The timeline entry of each order created or changed names the import `job`, if any."""
    stored = {
        order.order_id: order
        for order in (Order.objects.select_for_update(of=("self",)) if write else Order.objects)
        .filter(shop=shop, order_id__in=[plan.order_id for plan in plans])
        .prefetch_related("lines", "packages")
    }
    new, changes = [], []
    for plan in plans:
        order = stored.get(plan.order_id)
        if order is None:
            new.append(plan)
            outcome = "created"
        elif (change := _compare(order, plan, shop.zone)) is None:
            outcome = "unchanged"
        elif plan.fields["update_time"] < order.update_time.replace(microsecond=0):
            outcome = "older"  # an older file never overwrites newer data
        else:
            changes.append(change)
            outcome = "updated"
        setattr(report, outcome, getattr(report, outcome) + 1)
        if report.outcomes is not None:
            report.outcomes.append((plan.order_id, outcome))
    if write:
        _create_all(shop, new, job)
        _update_all(changes, job)


CREATE_ONLY = ("update_time", "order_type")  # TikTok's file does not carry them fully


def _same(stored, given, zone) -> bool:
    """Equal as the file can say it: times to the second (files have no fractions), either
    instant of a local time that a DST fall-back repeats."""
    if isinstance(stored, datetime) and isinstance(given, datetime):
        stored = stored.replace(microsecond=0)
        return stored == given.replace(microsecond=0) or stored == other_reading(given, zone)
    return stored == given


@dataclass
class _Change:
    order: Order
    plan: OrderPlan
    fields: list[str]  # order fields that differ
    lines: dict[str, OrderLine]  # stored lines by SKU id


def _compare(order: Order, plan: OrderPlan, zone) -> _Change | None:
    changed = [
        name
        for name, value in plan.fields.items()
        if name not in CREATE_ONLY and not _same(getattr(order, name), value, zone)
    ]
    lines = {line.sku_id: line for line in order.lines.all()}
    numbers = {package.tracking_number for package in order.packages.all()}
    if (
        changed
        or any(_line_differs(lines.get(line.sku_id), line) for line in plan.lines)
        or set(plan.packages) - numbers
    ):
        return _Change(order=order, plan=plan, fields=changed, lines=lines)
    return None


def _create_all(shop: Shop, plans: list[OrderPlan], job) -> None:
    orders = Order.objects.bulk_create(
        Order(shop=shop, order_id=plan.order_id, currency=shop.currency, **plan.fields)
        for plan in plans
    )
    pairs = list(zip(orders, plans, strict=True))
    packages = _packages_create(pairs, known={})
    OrderLine.objects.bulk_create(
        (_new_line(order, line, packages) for order, plan in pairs for line in plan.lines),
        batch_size=BATCH,
    )
    by_status: dict[str, list[int]] = {}
    for order in orders:
        by_status.setdefault(order.status, []).append(order.pk)
    for status, order_ids in by_status.items():  # the packages the file named, for one
        order_parts_follow(status=status, order_ids=order_ids)
    OrderEvent.objects.bulk_create(
        (
            _imported(
                order, plan.fields["update_time"], {"created": True, "status": order.status}, job
            )
            for order, plan in pairs
        ),
        batch_size=BATCH,
    )


def _new_line(order: Order, planned, packages: dict) -> OrderLine:
    return OrderLine(
        order=order,
        package=packages.get((order.pk, planned.tracking_number)),
        display_status=_line_status(order),
        **_line_values(planned),
    )


def _imported(order: Order, occurred_at, payload: dict, job) -> OrderEvent:
    """The timeline entry of an import that created or changed the order."""
    return OrderEvent(
        order=order,
        import_job=job,
        kind=EventKind.IMPORTED,
        actor_type=ActorType.TIKTOK,
        occurred_at=occurred_at,
        payload=payload,
    )


def _update_all(changes: list[_Change], job) -> None:
    """Newer values onto stored orders and lines, and what changed into each timeline."""
    if not changes:
        return
    known = {
        (change.order.pk, package.tracking_number): package
        for change in changes
        for package in change.order.packages.all()
        if package.tracking_number
    }
    packages = _packages_create([(c.order, c.plan) for c in changes], known=known)
    new_lines, changed_lines, events, statuses = [], [], [], {}
    now = timezone.now()
    for change in changes:
        order, plan = change.order, change.plan
        statuses[order.pk] = order.status
        touched = []
        for planned in plan.lines:
            line = change.lines.get(planned.sku_id)
            if line is None:
                new_lines.append(_new_line(order, planned, packages))
            elif _line_differs(line, planned):
                for name, value in _line_values(planned).items():
                    setattr(line, name, value)
                changed_lines.append(line)
            else:
                continue
            touched.append(planned.sku_id)
        before = order.status
        for name in change.fields:
            setattr(order, name, plan.fields[name])
        order.update_time = max(order.update_time, plan.fields["update_time"])
        order.modified_at = now
        payload = {
            "changed": sorted(change.fields),
            "lines": sorted(touched),
            "from": before,
            "to": order.status,
        }
        events.append(_imported(order, order.update_time, payload, job))
    fields = sorted({name for change in changes for name in change.fields})
    Order.objects.bulk_update(
        [change.order for change in changes],
        [*fields, "update_time", "modified_at"],
        batch_size=BATCH,
    )
    OrderLine.objects.bulk_create(new_lines, batch_size=BATCH)
    OrderLine.objects.bulk_update(changed_lines, list(LINE_FIELDS), batch_size=BATCH)
    OrderEvent.objects.bulk_create(events, batch_size=BATCH)
    _parts_follow(changes, statuses)


def _packages_create(pairs, *, known: dict) -> dict[tuple[int, str], Package]:
    """`known` packages plus the ones the file names that are not stored yet, by
    (order pk, tracking number)."""
    found = dict(known)
    missing = [
        Package(
            order=order,
            tracking_number=number,
            package_id=info["package_id"],
            shipping_provider_name=info["carrier"],
        )
        for order, plan in pairs
        for number, info in plan.packages.items()
        if (order.pk, number) not in found
    ]
    for package in Package.objects.bulk_create(missing, batch_size=BATCH):
        found[(package.order_id, package.tracking_number)] = package
    return found


def _line_differs(line, planned) -> bool:
    if line is None:
        return True
    values = _line_values(planned)
    return any(getattr(line, name) != values[name] for name in LINE_FIELDS)


def _line_values(line) -> dict:
    return {name: getattr(line, name) for name in ("sku_id", *LINE_FIELDS)}


def _line_status(order: Order) -> str:
    """A new line says what its order's status implies (a partially shipped order's new
    line: not shipped yet)."""
    return LINE_STATUS_FOR_ORDER.get(order.status) or LineStatus.AWAITING_SHIPMENT


def _parts_follow(changes: list["_Change"], before: dict[int, str]) -> None:
    """Orders whose status the file changed: their lines and packages follow, per status."""
    moved: dict[str, list[int]] = {}
    for change in changes:
        if change.order.status != before[change.order.pk]:
            moved.setdefault(change.order.status, []).append(change.order.pk)
    for status, order_ids in moved.items():
        order_parts_follow(status=status, order_ids=order_ids)
