"""From rows of a TikTok "order SKU list" to orders: grouped by Order ID, values parsed in the
shop's market formats and zone, every problem named with its row and column.

One row per SKU: order-level columns repeat on every row of an order and are taken once (a
row that disagrees with the first is an error), never summed; the order's product totals are
the sums of its lines' SKU columns. Only the columns a file has are read: a file without
`Taxes` or `Paid Time` leaves what is stored for them alone.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.utils.translation import ngettext

from accounts.csvsafe import FORMULA_TRIGGERS
from imports.read import HEADERS, ORDER_ID, FormulaCell, SheetFile
from imports.values import BadValue, count, local_time, money, same_value
from orders.models import LATER_TIMES
from orders.statuses import (
    TIKTOK_COUNTRY,
    TIKTOK_FULFILMENT,
    TIKTOK_STATUS,
    FulfillmentType,
    OrderStatus,
    OrderType,
)

Row = tuple[int, dict[str, str]]  # (line number in the file, our column name → cell)

DATE_FORMATS = {
    "us": "%m/%d/%Y %I:%M:%S %p",  # 03/01/2026 10:00:00 AM
    "dmy": "%d/%m/%Y %H:%M:%S",  # 05/06/2026 10:21:10
}
DATE_FORMAT_CHOICES = [
    ("", "As the shop's market writes them"),
    ("us", "MM/DD/YYYY hh:mm:ss AM (United States)"),
    ("dmy", "DD/MM/YYYY HH:MM:SS"),
]
# Markets whose files write dates month first with AM/PM (Brazil: `12/15/2025 9:30:33 AM`).
US_DATE_MARKETS = {"US", "BR"}
COMMA_DECIMAL_MARKETS = {"BR", "ID", "VN", "ES", "FR", "DE", "IT"}
BY_SUBSTATUS = {
    **{words[1].lower(): status for status, words in TIKTOK_STATUS.items()},
    # Thai files write the words in Thai (docs/tiktok.md "The words in Seller Center's files").
    "รอเข้ารับ": OrderStatus.AWAITING_COLLECTION,  # awaiting collection
    "จัดส่งสำเร็จ": OrderStatus.DELIVERED,  # delivered
}
BY_STATUS = {
    "unpaid": OrderStatus.UNPAID,
    "on hold": OrderStatus.ON_HOLD,
    "to ship": OrderStatus.AWAITING_SHIPMENT,
    "awaiting shipment": OrderStatus.AWAITING_SHIPMENT,
    "awaiting collection": OrderStatus.AWAITING_COLLECTION,
    "shipped": OrderStatus.IN_TRANSIT,
    "in transit": OrderStatus.IN_TRANSIT,
    "delivered": OrderStatus.DELIVERED,
    "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED,
    "canceled": OrderStatus.CANCELLED,
    "ที่จะจัดส่ง": OrderStatus.AWAITING_SHIPMENT,  # to ship
    "จัดส่งแล้ว": OrderStatus.IN_TRANSIT,  # shipped
    "ยกเลิกแล้ว": OrderStatus.CANCELLED,  # cancelled
}
BY_FULFILMENT = {words.lower(): kind for kind, words in TIKTOK_FULFILMENT.items()}
COUNTRIES = {name.lower(): code for code, name in TIKTOK_COUNTRY.items()}
# Our column → the Order field it fills, for text taken as written (masked values included).
TEXT_FIELDS = {
    "buyer_username": "buyer_username",
    "buyer_message": "buyer_message",
    "seller_note": "seller_note",
    "recipient": "recipient_name",
    "phone": "recipient_phone",
    "address1": "address_line1",
    "address2": "address_line2",
    "district": "district",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
    "payment_method": "payment_method_name",
    "cancel_reason": "cancel_reason",
    "warehouse": "warehouse_name",
    "delivery_option": "delivery_option_name",
}
ORDER_MONEY = {
    "original_shipping_fee": "original_shipping_fee",
    "shipping_fee_seller_discount": "shipping_fee_seller_discount",
    "shipping_fee_platform_discount": "shipping_fee_platform_discount",
    "shipping_fee": "shipping_fee",
    "tax": "tax",
    "retail_delivery_fee": "retail_delivery_fee",
    "total": "total_amount",
    "refunded": "refunded_amount",
}
TIMES = {
    "created": "create_time",
    "paid": "paid_time",
    "rts": "rts_time",
    "shipped": "collection_time",
    "delivered": "delivery_time",
    "cancelled": "cancel_time",
}
ORDER_COLUMNS = (
    "status",
    "substatus",
    "order_type",
    *TEXT_FIELDS,
    *ORDER_MONEY,
    *TIMES,
    "country",
    "fulfillment_type",
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


@dataclass
class OrderPlan:
    order_id: str
    rows: list[int]
    fields: dict = field(default_factory=dict)
    lines: list[LinePlan] = field(default_factory=list)
    packages: dict[str, dict] = field(default_factory=dict)  # tracking number → package
    errors: list[RowError] = field(default_factory=list)
    notices: list["Notice"] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    """A cell kept as written that a person may want to know about: text beginning with
    = + - or @, as a spreadsheet formula does (stored verbatim, escaped on pages, written
    behind a ' in exports)."""

    row: int
    column: str
    value: str


NOTICE_CHARS = 80  # of a noted value, in the preview


def notice_words(count: int) -> str:
    """What the preview and the command say of `count` notices."""
    begins = ngettext("cell begins", "cells begin", count)
    them = ngettext("it", "them", count)
    return (
        f"{count:,} {begins} with = + - or @ and {'is' if count == 1 else 'are'} kept as typed; "
        f"exports write {them} behind a ' so spreadsheets show {them} as text."
    )


# Text beginning with one of these is kept as typed and noted: exports write it behind a `'`
# (accounts.csvsafe) so a spreadsheet shows it as text. A phone number's `+44` is not noted.
NOTED_STARTS = tuple(c for c in FORMULA_TRIGGERS if c.strip())
UNNOTED_COLUMNS = ("phone",)
# Columns that hold identifiers: a formula there is an error, not a buyer's text.
ID_COLUMNS = ("order_id", "sku_id", "seller_sku", "package_id", "tracking_number")


def _header(key: str) -> str:
    return HEADERS[key][0].title()


def _status(cells: dict) -> OrderStatus:
    for key, table in (("substatus", BY_SUBSTATUS), ("status", BY_STATUS)):
        word = cells.get(key, "").strip().lower()
        if word in table:
            return table[word]
    raise BadValue(f"unknown status {cells.get('substatus') or cells.get('status')!r}")


def _order_fields(cells: dict, *, pattern: str, zone: ZoneInfo, comma: bool, errors, row: int):
    fields: dict = {}

    def take(key: str, parse):
        if key not in cells:
            return None
        try:
            return parse(cells[key])
        except BadValue as bad:
            errors.append(RowError(row, _header(key), str(bad)))
            return None

    fields["status"] = take(
        "status" if "status" in cells else "substatus", lambda _: _status(cells)
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


LINE_NUMBERS = (
    "quantity",
    "returned_quantity",
    "unit_price",
    "line_before",
    "line_platform_discount",
    "line_seller_discount",
    "line_after",
)


def _line(cells: dict, *, comma: bool, errors, row: int) -> LinePlan | None:
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
            errors.append(RowError(row, _header(key), str(bad)))
    if len(errors) > before:
        return None
    if values["quantity"] < 1:
        errors.append(RowError(row, _header("quantity"), "at least one item"))
        return None
    if values["returned_quantity"] > values["quantity"]:
        errors.append(RowError(row, _header("returned_quantity"), "more returned than sold"))
        return None
    if not cells.get("sku_id"):
        errors.append(RowError(row, _header("sku_id"), "missing"))
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


def other_reading(value: datetime, zone: ZoneInfo) -> datetime | None:
    """The other instant a file's local time names in the hour a DST fall-back repeats (TikTok's
    files carry no offset; the first one is read), or None when the time is not ambiguous."""
    wall = value.astimezone(zone).replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return None
    return second if value == first else first


def _check_order(plan: OrderPlan, zone: ZoneInfo) -> None:
    """What the database would refuse, said first: times before creation, refunds above total.
    A time in the repeated hour of a DST fall-back that reads as before creation is the
    second of that hour's two instants."""
    fields, row = plan.fields, plan.rows[0]
    created = fields.get("create_time")
    if created is None:
        plan.errors.append(RowError(row, "Created Time", "missing"))
        return
    for name in LATER_TIMES:
        value = fields.get(name)
        if name == "update_time" or not value or value >= created:
            continue
        other = other_reading(value, zone)
        if other and other >= created:
            fields[name] = other
        else:
            plan.errors.append(
                RowError(row, name.replace("_", " "), "before the order was created")
            )
    if fields.get("refunded_amount", 0) > fields["total_amount"]:
        plan.errors.append(RowError(row, "Order Refund Amount", "more than the order amount"))


@dataclass(frozen=True)
class Formats:
    """How a shop's market writes dates and money."""

    pattern: str
    zone: ZoneInfo
    comma: bool

    @classmethod
    def for_shop(cls, *, market: str, zone: ZoneInfo, date_format: str | None = None):
        pattern = DATE_FORMATS[date_format or ("us" if market in US_DATE_MARKETS else "dmy")]
        return cls(pattern=pattern, zone=zone, comma=market in COMMA_DECIMAL_MARKETS)


class OrderGroups:
    """The file's rows grouped by Order ID, `size` orders at a time, in a bounded memory.

    A first cheap pass counts each order's rows, so an order is complete as soon as its last
    row is read (TikTok writes an order's rows together; a scattered order simply waits). A row
    without a usable Order ID is a group of its own.
    """

    def __init__(self, sheet: SheetFile, size: int):
        self.sheet, self.size = sheet, size
        self.expected: Counter[str] = Counter()
        self.rows_total = 0
        for _, cells in sheet.rows(keys=("order_id",)):
            self.rows_total += 1
            if ORDER_ID.fullmatch(cells["order_id"]):
                self.expected[cells["order_id"]] += 1

    def __iter__(self) -> Iterator[list[list[Row]]]:
        waiting: dict[str, list[Row]] = {}
        ready: list[list[Row]] = []
        for row, cells in self.sheet.rows():
            order_id = cells["order_id"]
            key = order_id if order_id in self.expected else f"row-{row}"
            group = waiting.setdefault(key, [])
            group.append((row, cells))
            if len(group) >= self.expected.get(key, 1):
                ready.append(waiting.pop(key))
                if len(ready) >= self.size:
                    yield ready
                    ready = []
        ready.extend(waiting.values())  # only if the file changed between the two passes
        if ready:
            yield ready


def plan_order(group: list[Row], formats: Formats) -> OrderPlan:
    """One order from its rows, with its own errors (row, column, reason)."""
    first_row, first = group[0]
    order_id = first.get("order_id", "")
    plan = OrderPlan(order_id=order_id, rows=[first_row])
    if not ORDER_ID.fullmatch(order_id):
        plan.errors.append(RowError(first_row, "Order ID", f"{order_id[:30]!r} is not an order id"))
        return plan
    first_cells = {k: first[k] for k in ORDER_COLUMNS if k in first}  # later rows must agree
    plan.fields = _order_fields(
        first,
        pattern=formats.pattern,
        zone=formats.zone,
        comma=formats.comma,
        errors=plan.errors,
        row=first_row,
    )
    for position, (row, cells) in enumerate(group):
        _formula_cells(plan, row, cells, skip=first_cells if position else {})
        if position:
            plan.rows.append(row)
            _repeated_cells(plan, row, cells, first_cells, formats)
        line = _line(cells, comma=formats.comma, errors=plan.errors, row=row)
        if line:
            plan.lines.append(line)
            if line.tracking_number:
                plan.packages.setdefault(
                    line.tracking_number,
                    {
                        "package_id": cells.get("package_id", "")[:32],
                        "carrier": cells.get("carrier", "")[:80],
                    },
                )
    if not plan.errors:
        _check_order(plan, formats.zone)
    if not plan.errors:
        _totals(plan)
    return plan


def _formula_cells(plan: OrderPlan, row: int, cells: dict, *, skip) -> None:
    """Cells that look like spreadsheet formulas: in an id column an error (an id is never a
    formula); elsewhere what the buyer or seller typed, kept as text and noted for the preview.
    Order-level cells are noted on an order's first row only (`skip` on the later ones)."""
    for key, value in cells.items():
        if key in skip or key in PARSED_COLUMNS:
            continue  # a number, date or status column refuses a formula when it is read
        if key in ID_COLUMNS:
            if isinstance(value, FormulaCell):
                reason = f"a spreadsheet formula ({value[:20]!r}), not an id"
                plan.errors.append(RowError(row, _header(key), reason))
        elif key not in UNNOTED_COLUMNS and value.startswith(NOTED_STARTS):
            plan.notices.append(Notice(row, _header(key), value[:NOTICE_CHARS]))


# Columns read as numbers, dates or known words, which refuse a formula as they refuse any
# other text that is not one.
PARSED_COLUMNS = {
    *ORDER_MONEY,
    *TIMES,
    *LINE_NUMBERS,
    "status",
    "substatus",
}


def _repeated_cells(plan: OrderPlan, row: int, cells: dict, first_cells: dict, formats) -> None:
    """A later row of an order repeats its order-level cells: compared as values (`RM 8.00` is
    `8`, times as instants, text trimmed), an error only where they say different things."""
    first_row = plan.rows[0]
    for key, value in first_cells.items():
        other = cells.get(key, "")
        if not same_value(value, other, _parser(key, formats)):
            reason = f"{other[:30]!r} here, {value[:30]!r} in row {first_row} of the same order"
            plan.errors.append(RowError(row, _header(key) if key in HEADERS else key, reason))


WORD_COLUMNS = ("status", "substatus", "order_type", "fulfillment_type", "country")


def _parser(key: str, formats: "Formats"):
    """How a repeated order-level cell is read to compare it; None: as text."""
    if key in ORDER_MONEY:
        return partial(money, comma_market=formats.comma)
    if key in TIMES:
        return partial(local_time, pattern=formats.pattern, zone=formats.zone)
    if key in WORD_COLUMNS:
        return str.casefold
    return None


def _totals(plan: OrderPlan) -> None:
    lines, fields = plan.lines, plan.fields
    fields["original_total_product_price"] = sum(
        (x.subtotal_before_discount for x in lines), Decimal("0.00")
    )
    fields["seller_discount"] = sum((x.seller_discount for x in lines), Decimal("0.00"))
    fields["platform_discount"] = sum((x.platform_discount for x in lines), Decimal("0.00"))
    fields["sub_total"] = sum((x.subtotal_after_discount for x in lines), Decimal("0.00"))
    times = [fields[name] for name in TIMES.values() if fields.get(name)]
    fields["update_time"] = max(times) if times else None
