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
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.utils.translation import ngettext

from imports.cells import LinePlan, RowError, line_plan, order_fields
from imports.columns import (
    ID_COLUMNS,
    NOTED_STARTS,
    ORDER_COLUMNS,
    ORDER_MONEY,
    PARSED_COLUMNS,
    TIMES,
    UNNOTED_COLUMNS,
    WORD_COLUMNS,
    header,
)
from imports.read import HEADERS, ORDER_ID, FormulaCell, SheetFile
from imports.values import local_time, money, same_value
from orders.models import LATER_TIMES
from orders.periods import other_reading
from orders.tiktok_order import TikTokOrder

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


@dataclass
class OrderPlan:
    order_id: str
    rows: list[int]
    fields: dict = field(default_factory=dict)
    lines: list[LinePlan] = field(default_factory=list)
    packages: dict[str, dict] = field(default_factory=dict)  # tracking number → package
    errors: list[RowError] = field(default_factory=list)
    notices: list["Notice"] = field(default_factory=list)
    order: TikTokOrder | None = None  # as the one mapping reads it (imports/as_tiktok.py)


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
    plan.fields = order_fields(
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
        line = line_plan(cells, comma=formats.comma, errors=plan.errors, row=row)
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
                plan.errors.append(RowError(row, header(key), reason))
        elif key not in UNNOTED_COLUMNS and value.startswith(NOTED_STARTS):
            plan.notices.append(Notice(row, header(key), value[:NOTICE_CHARS]))


def _repeated_cells(plan: OrderPlan, row: int, cells: dict, first_cells: dict, formats) -> None:
    """A later row of an order repeats its order-level cells: compared as values (`RM 8.00` is
    `8`, times as instants, text trimmed), an error only where they say different things."""
    first_row = plan.rows[0]
    for key, value in first_cells.items():
        other = cells.get(key, "")
        if not same_value(value, other, _parser(key, formats)):
            reason = f"{other[:30]!r} here, {value[:30]!r} in row {first_row} of the same order"
            plan.errors.append(RowError(row, header(key) if key in HEADERS else key, reason))


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
