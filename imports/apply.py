"""Applying planned orders to a shop: create, update or leave alone, all in one transaction,
through the one upsert that TikTok's sync uses too (orders.services.tiktok_upsert).

Re-importing the same file changes nothing (no new events). A file whose order was updated
later than what is stored updates it and records what changed in the order's timeline; an
older file never overwrites newer data (docs/decisions.md "Files and the sync"). A dry run
counts the same way and writes nothing.
"""

from django.utils.translation import ngettext

from accounts.access import shops_for_user
from accounts.models import Shop
from imports.badrows import BadRows
from imports.cells import RowError
from imports.plan import OrderPlan
from imports.report import ImportReport
from orders.models import Order
from orders.services.id_lists import among
from orders.services.tiktok_upsert import orders_upsert
from orders.services.upsert_compare import UpsertBy


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
        Order.objects.filter(**among("order_id", [plan.order_id for plan in plans]))
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
    """Count what a batch of good orders does to the shop and, when `write`, do it, through the
    one upsert of TikTok's orders (a few statements per batch whatever its size). The timeline
    entry of each order created or changed names the import `job`, if any. An order the
    database refuses is a bad row of its own."""
    upserted = orders_upsert(
        shop=shop,
        orders=[plan.order for plan in plans],
        by=UpsertBy.tiktok_file(zone=shop.zone, job=job),
        write=write,
        outcomes=report.outcomes is not None,
    )
    for name in ("created", "updated", "unchanged", "older"):
        setattr(report, name, getattr(report, name) + getattr(upserted, name))
    if upserted.outcomes is not None:
        report.outcomes.extend(upserted.outcomes)
    rows = {plan.order_id: plan.rows[0] for plan in plans}
    for order_id, reason in upserted.refused:
        report.errors.append(RowError(rows[order_id], "Order ID", reason))
        report.skipped += 1
