"""One row's cells read as an order's fields and a line: numbers and money in the market's
formats, times in the shop's zone, statuses from TikTok's words; each problem a RowError
naming its row and column."""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from imports.columns import (
    BY_FULFILMENT,
    BY_STATUS,
    BY_SUBSTATUS,
    COUNTRIES,
    ORDER_MONEY,
    TEXT_FIELDS,
    TIMES,
    header,
)
from imports.values import BadValue, count, local_time, money
from orders.statuses import (
    FulfillmentType,
    OrderStatus,
    OrderType,
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


@dataclass
class LinePlan:
    sku_id: str
    seller_sku: str
    product_name: str
    variation: str
    product_category: str
    quantity: int
    returned_quantity: int
    unit_original_price: Decimal
    subtotal_before_discount: Decimal
    platform_discount: Decimal
    seller_discount: Decimal
    subtotal_after_discount: Decimal
    tracking_number: str


def status_of(cells: dict) -> OrderStatus:
    for key, table in (("substatus", BY_SUBSTATUS), ("status", BY_STATUS)):
        word = cells.get(key, "").strip().lower()
        if word in table:
            return table[word]
    raise BadValue(f"unknown status {cells.get('substatus') or cells.get('status')!r}")


def order_fields(cells: dict, *, pattern: str, zone: ZoneInfo, comma: bool, errors, row: int):
    fields: dict = {}

    def take(key: str, parse):
        if key not in cells:
            return None
        try:
            return parse(cells[key])
        except BadValue as bad:
            errors.append(RowError(row, header(key), str(bad)))
            return None

    fields["status"] = take(
        "status" if "status" in cells else "substatus", lambda _: status_of(cells)
    )
    if "order_type" in cells:
        pre_order = cells["order_type"].lower() == "pre-order"
        fields["order_type"] = OrderType.PRE_ORDER if pre_order else OrderType.NORMAL
    for key, name in TEXT_FIELDS.items():
        if key in cells:
            fields[name] = cells[key][:255]
    for key, name in ORDER_MONEY.items():
        if key in cells:
            value = take(key, lambda text: money(text, comma))
            fields[name] = value if value is not None else Decimal("0.00")
    for key, name in TIMES.items():
        if key in cells:
            fields[name] = take(key, lambda text: local_time(text, pattern, zone))
    if "country" in cells:
        country = cells["country"].strip()
        fields["region_code"] = (
            country.upper() if len(country) == 2 else COUNTRIES.get(country.lower(), "")
        )
    if "fulfillment_type" in cells:
        kind = BY_FULFILMENT.get(cells["fulfillment_type"].lower())
        fields["fulfillment_type"] = kind or FulfillmentType.BY_SELLER
    return fields


def line_plan(cells: dict, *, comma: bool, errors, row: int) -> LinePlan | None:
    before = len(errors)
    values = {}
    for key, parse in (
        ("quantity", count),
        ("returned_quantity", count),
        ("unit_price", partial(money, comma_market=comma)),
        ("line_before", partial(money, comma_market=comma)),
        ("line_platform_discount", partial(money, comma_market=comma)),
        ("line_seller_discount", partial(money, comma_market=comma)),
        ("line_after", partial(money, comma_market=comma)),
    ):
        try:
            values[key] = parse(cells.get(key, ""))
        except BadValue as bad:
            errors.append(RowError(row, header(key), str(bad)))
    if len(errors) > before:
        return None
    if values["quantity"] < 1:
        errors.append(RowError(row, header("quantity"), "at least one item"))
        return None
    if values["returned_quantity"] > values["quantity"]:
        errors.append(RowError(row, header("returned_quantity"), "more returned than sold"))
        return None
    if not cells.get("sku_id"):
        errors.append(RowError(row, header("sku_id"), "missing"))
        return None
    return LinePlan(
        sku_id=cells["sku_id"][:32],
        seller_sku=cells.get("seller_sku", "")[:64],
        product_name=cells.get("product_name", "")[:255] or cells["sku_id"],
        variation=cells.get("variation", "")[:120],
        product_category=cells.get("category", "")[:120],
        quantity=values["quantity"],
        returned_quantity=values["returned_quantity"],
        unit_original_price=values["unit_price"],
        subtotal_before_discount=values["line_before"],
        platform_discount=values["line_platform_discount"],
        seller_discount=values["line_seller_discount"],
        subtotal_after_discount=values["line_after"],
        tracking_number=cells.get("tracking_number", "")[:64],
    )
