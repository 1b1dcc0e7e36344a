"""Applying planned orders to a shop: create, update or leave alone, all in one transaction.

Re-importing the same file changes nothing (no new events). A file whose order was updated
later than what is stored updates it and records what changed in the order's timeline; an
older file never overwrites newer data. A dry run does all of it and rolls back.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from accounts.models import AuditAction, Shop
from accounts.services import audit_record

from ..models import Order, OrderEvent, OrderLine, Package
from ..statuses import ActorType, EventKind, LineStatus, OrderStatus
from .plan import OrderPlan, RowError

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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # the file was older than what is stored: left alone
    skipped: int = 0  # orders with bad rows, left out because the user chose to skip them
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} orders {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.older} older than ours (kept ours), "
            f"{self.skipped} skipped for bad rows."
        )


class ImportRefused(ValueError):
    """The file has bad rows and skipping them was not asked for: nothing is imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad rows; nothing was imported.")
        self.errors = errors


def import_apply(
    *,
    shop: Shop,
    plans: list[OrderPlan],
    actor=None,
    dry_run: bool,
    skip_errors: bool,
    file_name: str = "",
) -> ImportReport:
    errors = [error for plan in plans for error in plan.errors]
    if errors and not skip_errors:
        raise ImportRefused(sorted(errors, key=lambda e: e.row))
    report = ImportReport(errors=sorted(errors, key=lambda e: e.row), dry_run=dry_run)
    good = [plan for plan in plans if not plan.errors]
    report.skipped = len(plans) - len(good)
    with transaction.atomic():
        stored = {
            order.order_id: order
            for order in Order.objects.select_for_update().filter(
                shop=shop, order_id__in=[plan.order_id for plan in good]
            )
        }
        for plan in good:
            order = stored.get(plan.order_id)
            if order is None:
                _create(shop, plan)
                report.created += 1
            else:
                outcome = _update(order, plan)
                setattr(report, outcome, getattr(report, outcome) + 1)
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                action=AuditAction.IMPORT,
                actor=actor,
                shop=shop,
                target=file_name[:200] or "TikTok order file",
                payload={"summary": report.summary(), "bad_rows": len(report.errors)},
            )
    return report


def _create(shop: Shop, plan: OrderPlan) -> None:
    order = Order.objects.create(
        shop=shop, order_id=plan.order_id, currency=shop.currency, **plan.fields
    )
    packages = _packages(order, plan)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            package=packages.get(line.tracking_number),
            display_status=_line_status(order),
            **_line_values(line),
        )
        for line in plan.lines
    )
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.IMPORTED,
        actor_type=ActorType.TIKTOK,
        occurred_at=plan.fields["update_time"],
        payload={"created": True, "status": order.status},
    )


CREATE_ONLY = ("update_time", "order_type")  # TikTok's file does not carry them fully


def _same(stored, given) -> bool:
    """Equal as the file can say it: times to the second (files have no fractions)."""
    if isinstance(stored, datetime) and isinstance(given, datetime):
        return stored.replace(microsecond=0) == given.replace(microsecond=0)
    return stored == given


def _update(order: Order, plan: OrderPlan) -> str:
    """ "updated", "unchanged" or "older" (the file says something else but is older)."""
    changed = [
        name
        for name, value in plan.fields.items()
        if name not in CREATE_ONLY and not _same(getattr(order, name), value)
    ]
    lines = {line.sku_id: line for line in order.lines.all()}
    stored_numbers = set(order.packages.values_list("tracking_number", flat=True))
    differs = (
        changed
        or any(_line_differs(lines.get(line.sku_id), line) for line in plan.lines)
        or set(plan.packages) - stored_numbers
    )
    if not differs:
        return "unchanged"
    if plan.fields["update_time"] < order.update_time.replace(microsecond=0):
        return "older"  # an older file never overwrites newer data
    line_changes = []
    packages = _packages(order, plan)
    for planned in plan.lines:
        values = _line_values(planned)
        line = lines.get(planned.sku_id)
        if line is None:
            OrderLine.objects.create(
                order=order,
                package=packages.get(planned.tracking_number),
                display_status=_line_status(order),
                **values,
            )
            line_changes.append(planned.sku_id)
        elif _line_differs(line, planned):
            for name in LINE_FIELDS:
                setattr(line, name, values[name])
            line.save(update_fields=list(LINE_FIELDS))
            line_changes.append(planned.sku_id)
    before = order.status
    for name in changed:
        setattr(order, name, plan.fields[name])
    order.update_time = max(order.update_time, plan.fields["update_time"])
    order.save(update_fields=[*changed, "update_time", "modified_at"])
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.IMPORTED,
        actor_type=ActorType.TIKTOK,
        occurred_at=order.update_time,
        payload={
            "changed": sorted(changed),
            "lines": sorted(line_changes),
            "from": before,
            "to": order.status,
        },
    )
    return "updated"


def _line_differs(line, planned) -> bool:
    if line is None:
        return True
    values = _line_values(planned)
    return any(getattr(line, name) != values[name] for name in LINE_FIELDS)


def _packages(order: Order, plan: OrderPlan) -> dict[str, Package]:
    """The order's packages by tracking number, creating the ones the file names."""
    found = {p.tracking_number: p for p in order.packages.all() if p.tracking_number}
    for number, info in plan.packages.items():
        if number not in found:
            found[number] = Package.objects.create(
                order=order,
                tracking_number=number,
                package_id=info["package_id"],
                shipping_provider_name=info["carrier"],
            )
    return found


def _line_values(line) -> dict:
    return {name: getattr(line, name) for name in ("sku_id", *LINE_FIELDS)}


def _line_status(order: Order) -> str:
    if order.status in (OrderStatus.ON_HOLD, OrderStatus.PARTIALLY_SHIPPING):
        return LineStatus.AWAITING_SHIPMENT
    return order.status if order.status in LineStatus.values else LineStatus.AWAITING_SHIPMENT
