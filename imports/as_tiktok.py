"""An order planned from a file's rows, read by the one mapping from TikTok's order object to
ours (orders.tiktok_order), so that a file and the sync give the same rows for one order.

The planned fields are written back in the API object's shape (statuses, Unix seconds,
amounts, the recipient address) and read as the API's are. A file has columns the
API has no field for (the buyer's username, the warehouse, the refunded amount; a line's
category and returned quantity): those are passed on as the file's own. A file without a
column says nothing of its field, which then stays as stored.
"""

from imports.cells import LinePlan, RowError
from imports.plan import OrderPlan
from orders.models import PAYMENT_FIELDS
from orders.tiktok_order import (
    ADDRESS,
    ADDRESS_LEVELS,
    API_ORDER_FIELDS,
    TEXTS,
    TIMES,
    LineValues,
    OrderRefused,
    TikTokOrder,
    package_key,
    tiktok_file_order_read,
)
from orders.tiktok_values import ZERO

TEXT_SOURCES = {ours: theirs for theirs, (ours, _) in TEXTS.items()}
ADDRESS_SOURCES = {ours: theirs for theirs, (ours, _) in ADDRESS.items()}
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


def plans_read(plans: list[OrderPlan], currency: str) -> None:
    """Each good plan's order as the mapping reads it (`plan.order`); what the mapping refuses
    is a bad row of the order."""
    for plan in plans:
        if plan.errors:
            continue
        try:
            plan.order = plan_read(plan, currency)
        except OrderRefused as refused:
            plan.errors.append(RowError(plan.rows[0], "Order ID", refused.reason))


def plan_read(plan: OrderPlan, currency: str) -> TikTokOrder:
    fields = plan.fields
    own = {name: value for name, value in fields.items() if name not in API_ORDER_FIELDS}
    return tiktok_file_order_read(
        _object(plan, currency),
        [_line(plan, line) for line in plan.lines],
        known={*fields, "currency"},
        own=own,
    )


def _object(plan: OrderPlan, currency: str) -> dict:
    fields = plan.fields
    obj = {
        "id": plan.order_id,
        **{
            key: fields[key]
            for key in ("status", "order_type", "fulfillment_type")
            if key in fields
        },
        **{
            name: int(fields[name].timestamp()) if fields[name] else 0
            for name in TIMES
            if name in fields
        },
        **{theirs: fields[ours] for ours, theirs in TEXT_SOURCES.items() if ours in fields},
        "payment": {
            "currency": currency,
            **{name: fields.get(name, ZERO) for name in PAYMENT_FIELDS},
        },
        "line_items": [_package_item(plan, line) for line in plan.lines],
    }
    address = {theirs: fields.get(ours, "") for ours, theirs in ADDRESS_SOURCES.items()}
    levels = [
        {"address_level": lv, "address_name": fields.get(n, "")} for lv, n in ADDRESS_LEVELS.items()
    ]
    levels.append({"address_level_name": "District", "address_name": fields.get("district", "")})
    obj["recipient_address"] = {**address, "district_info": levels}
    return obj


def _package_item(plan: OrderPlan, line: LinePlan) -> dict:
    """A line item as the API writes one, for the package it is in (a file names a package by
    its tracking number; a row without one is in none yet)."""
    package = plan.packages.get(line.tracking_number) if line.tracking_number else None
    if package is None:
        return {"sku_id": line.sku_id}
    return {
        "sku_id": line.sku_id,
        "tracking_number": line.tracking_number,
        "package_id": package["package_id"],
        "shipping_provider_name": package["carrier"],
    }


def _line(plan: OrderPlan, line: LinePlan) -> LineValues:
    values = {name: getattr(line, name) for name in LINE_FIELDS}
    key = package_key(_package_item(plan, line))
    return LineValues(sku_id=line.sku_id, values=values, package_key=key)
