"""Which orders of a batch are stored exactly as their source says, found from plain rows.

Re-importing a file, or a sync page TikTok sends again, mostly brings orders that change
nothing. Building a model instance for every stored order, line and package only to compare
it cost more than the rest of such a batch, so the stored values are read here as named rows
of `.values_list` (only the columns the batch's orders say something of) and compared by the
same code that compares models (upsert_compare.differences). Only the orders found to differ
are then loaded as models, as before, to be written.
"""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import Shop
from orders.models import Order, OrderLine, Package
from orders.order_values import TikTokOrder
from orders.services.id_lists import among
from orders.services.upsert_compare import CREATE_ONLY, UpsertBy, differences


@dataclass
class StoredRows:
    order: tuple  # a named row: pk, order_id, shop_id, update_time and the fields compared
    lines: list = field(default_factory=list)
    packages: list = field(default_factory=list)


def _names(groups) -> list[str]:
    """The fields any of the values name, in a stable order."""
    names: dict[str, None] = {}
    for values in groups:
        names.update(dict.fromkeys(values))
    return list(names)


def stored_rows(
    shop: Shop, orders: list[TikTokOrder], by: UpsertBy, *, write: bool
) -> dict[str, StoredRows]:
    """The shop's stored orders with these ids, as rows; locked when they are to be written,
    as the models of the ones that change are (tiktok_upsert._stored)."""
    skipped = CREATE_ONLY if by.file else ()
    names = [n for n in _names(o.fields for o in orders) if n not in skipped]
    head = ["pk", "order_id", "shop_id", "update_time"]
    query = Order.objects.select_for_update(of=("self",)) if write else Order.objects
    # By order id alone, the shop checked here (the planner note in tiktok_upsert._stored).
    rows = (
        query.filter(**among("order_id", [o.order_id for o in orders]))
        .order_by()
        .values_list(*head, *(n for n in names if n not in head), named=True)
    )
    found = {row.pk: StoredRows(row) for row in rows if row.shop_id == shop.pk}
    if not found:
        return {}
    line_names = _names(line.values for o in orders for line in o.lines)
    line_head = ["order_id", "sku_id", "package_id"]
    # By id within each order, as the models' prefetch gives them, without its join to orders.
    for line in (
        OrderLine.objects.filter(**among("order_id", found))
        .order_by("id")
        .values_list(*line_head, *(n for n in line_names if n not in line_head), named=True)
    ):
        found[line.order_id].lines.append(line)
    package_names = _names(p.values for o in orders for p in o.packages)
    package_head = ["pk", "order_id", "package_id", "tracking_number"]
    for package in (
        Package.objects.filter(**among("order_id", found))
        .order_by("id")
        .values_list(
            *package_head, *(n for n in package_names if n not in package_head), named=True
        )
    ):
        found[package.order_id].packages.append(package)
    return {rows.order.order_id: rows for rows in found.values()}


def same_as_stored(
    orders: list[TikTokOrder], stored: dict[str, StoredRows], by: UpsertBy
) -> dict[str, datetime]:
    """Order id → stored update time, for each order that says nothing new of what is stored."""
    same = {}
    for order in orders:
        rows = stored.get(order.order_id)
        if rows and differences(rows.order, rows.lines, rows.packages, order, by) is None:
            same[order.order_id] = rows.order.update_time
    return same
