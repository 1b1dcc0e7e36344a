"""A finance file's rows as the values finance stores (finance.values), planned before anything
is stored: statements (by TikTok's id, or by day and currency when the layout names none),
their transactions, SKU rows and unsettled estimates, each bad cell a RowError.

Ids: a file gives no TikTok transaction id, so a file's transaction is
`file:<type>:<order or adjustment id>:<statement day>` (finance.models.SettlementTransaction):
the same row in a second file, or the same file again, is the same transaction, and the API's
row of the same statement, type and reference takes it over (finance.services.store).

Signs: TikTok's files, like its API, show costs negative (docs/finance-files.md), which is the
store's convention, so amounts are stored as written. A row whose total only adds up with its
costs taken as positive numbers (a file re-saved by hand, or a layout that prints them so) has
its costs negated, with a notice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from finance.catalogue import ADJUSTMENT_KEY, ORDER_TYPE, Section
from finance.values import ZERO, FinanceRefused, TransactionValues
from imports.badrows import BadRows
from imports.cells import RowError
from imports.finance_files import cells
from imports.finance_files.layouts import SEA_INCOME, US_PROFIT_LOSS, US_UNSETTLED, Sheet
from imports.finance_files.read import FinanceFile, SheetRows

TYPE_WORDS = {"order": ORDER_TYPE, "adjustment": "OTHER_ADJUSTMENT"}


@dataclass
class StatementPlan:
    statement_id: str
    day: date
    currency: str
    payout_id: str = ""
    transactions: dict[str, tuple[int, TransactionValues]] = field(default_factory=dict)
    skus: list[dict] = field(default_factory=list)


@dataclass
class FilePlan:
    label: str
    statements: dict[tuple, StatementPlan] = field(default_factory=dict)
    unsettled: list[tuple[int, dict]] = field(default_factory=list)
    errors: BadRows = field(default_factory=BadRows)
    notices: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0

    def statement(self, statement_id: str, day: date, currency: str, payout: str = ""):
        key = ("id", statement_id) if statement_id else ("day", day, currency)
        plan = self.statements.setdefault(key, StatementPlan(statement_id, day, currency))
        plan.payout_id = plan.payout_id or payout
        return plan


class _Row:
    """One row's cells read by column, each refusal recorded once as a RowError."""

    def __init__(self, plan: FilePlan, sheet: SheetRows, line: int, values: dict):
        self.plan, self.sheet, self.line, self.values = plan, sheet, line, values
        self.bad = False

    def where(self, key: str) -> str:
        header = self.sheet.headers.get(key, key)
        return f"{self.sheet.name} › {header}" if self.sheet.name else header

    def error(self, key: str, reason: str) -> None:
        self.bad = True
        self.plan.errors.append(RowError(self.line, self.where(key), reason))

    def read(self, key: str, reader, *args, **kwargs):
        try:
            return reader(self.values.get(key), self.where(key), *args, **kwargs)
        except FinanceRefused as refused:
            self.error(key, str(refused))
            return None

    def money(self, key: str) -> Decimal:
        return self.read(key, cells.amount) or ZERO

    def text(self, key: str, length: int = 255) -> str:
        return cells.text(self.values.get(key))[:length]

    def cells_kept(self) -> dict:
        """The row as the file wrote it (our names → text), kept with what it made."""
        return {key: cells.text(value) for key, value in self.values.items() if value != ""}


def _costs_positive(row: _Row, sheet: Sheet, total: Decimal, parts: list[Decimal]) -> bool:
    """True when the row adds up only with its costs read as positive numbers: they are then
    negated (a notice says so)."""
    costs = [row.money(c.key) for c in sheet.columns if c.cost and c.key in row.values]
    return sum(parts, ZERO) != total and any(cost > 0 for cost in costs)


def _flip(amount: Decimal) -> Decimal:
    return -abs(amount)


def _components(row: _Row, sheet: Sheet, flip: bool) -> list[tuple[str, str, Decimal]]:
    found = []
    for column in sheet.columns:
        if column.component and column.key in row.values:
            value = row.money(column.key)
            if value:
                section, key = column.component
                found.append((section, key, _flip(value) if flip and column.cost else value))
    return found


def _kind(words: str) -> str:
    return TYPE_WORDS.get(words.strip().lower()) or cells.type_code(words) or ORDER_TYPE


def _file_id(kind: str, reference: str, day: date) -> str:
    return f"file:{kind[:24]}:{reference}:{day:%Y%m%d}"


def _add(plan: FilePlan, row: _Row, statement: StatementPlan, values: TransactionValues):
    first = statement.transactions.get(values.transaction_id)
    if first is not None:
        row.error(
            "reference",
            f"{values.reference} appears twice in the file's statement of "
            f"{statement.day:%Y-%m-%d} (first on row {first[0]})",
        )
        return
    statement.transactions[values.transaction_id] = (row.line, values)


def _notice(plan: FilePlan, row: _Row, key: str, words: str) -> None:
    plan.notices.append({"row": row.line, "column": row.where(key), "value": words})


def sea_income(plan: FilePlan, sheet: SheetRows, zone) -> None:
    layout = SEA_INCOME.sheets[0]
    for line, values in sheet.rows:
        row = _Row(plan, sheet, line, values)
        reference = row.read("reference", cells.tiktok_id, required=True)
        kind = _kind(row.text("type")) if row.text("type") else ORDER_TYPE
        settled = row.read("settled", cells.day)
        currency = row.text("currency", 8).upper()
        if len(currency) != 3 or not currency.isalpha():
            row.error("currency", f"{currency[:8]!r} is not a currency code")
        settlement, revenue = row.money("settlement"), row.money("revenue")
        fees, shipping = row.money("fees"), row.money("shipping")
        related = row.read("related_order", cells.tiktok_id) or ""
        created = row.read("created", cells.moment, zone)
        if row.bad:
            continue
        flip = _costs_positive(row, layout, settlement, [revenue, fees, shipping]) and (
            revenue - abs(fees) - abs(shipping) == settlement
        )
        if flip:
            fees, shipping = _flip(fees), _flip(shipping)
            _notice(plan, row, "fees", "costs written as positive numbers; stored as negative")
        components = _components(row, layout, flip)
        is_order = kind == ORDER_TYPE
        adjustment = ZERO if is_order else settlement
        if not is_order:
            components = [(Section.ADJUSTMENT, ADJUSTMENT_KEY, settlement)]
        statement = plan.statement("", settled, currency)
        _add(
            plan,
            row,
            statement,
            TransactionValues(
                transaction_id=_file_id(kind, reference, settled),
                type=kind,
                currency=currency,
                order_tiktok_id=reference if is_order else related,
                adjustment_id="" if is_order else reference,
                order_create_time=created,
                settlement_amount=settlement,
                revenue_amount=revenue if is_order else ZERO,
                shipping_cost_amount=shipping if is_order else ZERO,
                fee_tax_amount=fees if is_order else ZERO,
                adjustment_amount=adjustment,
                components=components,
                breakdown={"file": row.cells_kept()},
            ),
        )


def us_orders(plan: FilePlan, sheet: SheetRows, currency: str) -> None:
    """The P&L workbook's Orders: one row per order and SKU; an order's transaction is the sum
    of its SKU rows in that statement."""
    layout = US_PROFIT_LOSS.sheets[0]
    orders: dict[tuple, dict] = {}
    seen: dict[tuple, int] = {}
    for line, values in sheet.rows:
        row = _Row(plan, sheet, line, values)
        order_id = row.read("order_id", cells.tiktok_id, required=True)
        sku_id = row.read("sku_id", cells.tiktok_id) or ""
        statement_id = row.read("statement_id", cells.tiktok_id, required=True)
        payout = row.read("payout_id", cells.tiktok_id) or ""
        settled = row.read("settled", cells.day)
        income, cost, net = row.money("income"), row.money("cost"), row.money("net")
        quantity = row.read("quantity", cells.quantity) or 0
        if row.bad:
            continue
        key = (statement_id, order_id, sku_id)
        if key in seen:
            row.error(
                "sku_id",
                f"order {order_id} SKU {sku_id or '(none)'} appears twice in statement "
                f"{statement_id} (first on row {seen[key]})",
            )
            continue
        seen[key] = line
        flip = cost > 0 and income + cost != net and income - cost == net
        if flip:
            cost = _flip(cost)
            _notice(plan, row, "cost", "costs written as positive numbers; stored as negative")
        statement = plan.statement(statement_id, settled, currency, payout)
        order = orders.setdefault(
            (statement_id, order_id),
            {"statement": statement, "line": line, "rows": [], "components": []},
        )
        order["rows"].append((income, cost, net))
        order["components"] += _components(row, layout, flip)
        if sku_id:
            statement.skus.append(
                {
                    "statement_tiktok_id": statement_id,
                    "order_tiktok_id": order_id,
                    "sku_id": sku_id,
                    "sku_name": row.text("sku_name"),
                    "product_name": row.text("product_name"),
                    "quantity": quantity,
                    "currency": currency,
                    "settlement_amount": net,
                    "revenue_amount": income,
                    "shipping_cost_amount": ZERO,
                    "fee_tax_amount": cost,
                    "breakdown": {"file": row.cells_kept()},
                }
            )
    for (_statement_id, order_id), order in orders.items():
        statement = order["statement"]
        income = sum((r[0] for r in order["rows"]), ZERO)
        cost = sum((r[1] for r in order["rows"]), ZERO)
        net = sum((r[2] for r in order["rows"]), ZERO)
        summed: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        for section, key, value in order["components"]:
            summed[(section, key)] += value
        statement.transactions[_file_id(ORDER_TYPE, order_id, statement.day)] = (
            order["line"],
            TransactionValues(
                transaction_id=_file_id(ORDER_TYPE, order_id, statement.day),
                type=ORDER_TYPE,
                currency=currency,
                order_tiktok_id=order_id,
                settlement_amount=net,
                revenue_amount=income,
                fee_tax_amount=cost,
                components=[(s, k, v) for (s, k), v in summed.items()],
                breakdown={"file": {"sku_rows": len(order["rows"])}},
            ),
        )


def us_adjustments(plan: FilePlan, sheet: SheetRows, currency: str) -> None:
    for line, values in sheet.rows:
        row = _Row(plan, sheet, line, values)
        adjustment_id = row.read("adjustment_id", cells.tiktok_id, required=True)
        statement_id = row.read("statement_id", cells.tiktok_id, required=True)
        payout = row.read("payout_id", cells.tiktok_id) or ""
        settled = row.read("settled", cells.day)
        amount = row.money("amount")
        related = row.read("related_order", cells.tiktok_id) or ""
        if row.bad:
            continue
        kind = _kind(row.text("adjustment_type")) if row.text("adjustment_type") else ""
        kind = kind if kind and kind != ORDER_TYPE else "OTHER_ADJUSTMENT"
        statement = plan.statement(statement_id, settled, currency, payout)
        row.sheet.headers.setdefault("reference", row.sheet.headers.get("adjustment_id", ""))
        _add(
            plan,
            row,
            statement,
            TransactionValues(
                transaction_id=_file_id(kind, adjustment_id, settled),
                type=kind,
                currency=currency,
                order_tiktok_id=related,
                adjustment_id=adjustment_id,
                settlement_amount=amount,
                adjustment_amount=amount,
                components=[(Section.ADJUSTMENT, ADJUSTMENT_KEY, amount)],
                breakdown={"file": row.cells_kept()},
            ),
        )


def us_unsettled(plan: FilePlan, sheet: SheetRows, currency: str, zone) -> None:
    """One row per order: an estimate. It adds up as net sales + fees + shipping (net) +
    adjustments, costs negative (docs/finance-files.md)."""
    seen: dict[str, int] = {}
    for line, values in sheet.rows:
        row = _Row(plan, sheet, line, values)
        reference = row.read("reference", cells.tiktok_id, required=True)
        kind = _kind(row.text("type")) if row.text("type") else ORDER_TYPE
        estimated = row.money("estimated")
        net_sales, fees = row.money("net_sales"), row.money("fees")
        shipping = row.money("tiktok_shipping") + row.money("customer_shipping")
        adjustment = row.money("adjustment")
        created = row.read("created", cells.moment, zone)
        related = row.read("related_order", cells.tiktok_id) or ""
        if row.bad:
            continue
        when = row.text("estimated_time", 120)
        transaction_id = f"file:{kind[:24]}:{reference}"
        if transaction_id in seen:
            row.error(
                "reference", f"{reference} appears twice (first on row {seen[transaction_id]})"
            )
            continue
        seen[transaction_id] = line
        if fees > 0 and net_sales - fees + shipping + adjustment == estimated != ZERO:
            fees = _flip(fees)
            _notice(plan, row, "fees", "fees written as positive numbers; stored as negative")
        is_order = kind == ORDER_TYPE
        plan.unsettled.append(
            (
                line,
                {
                    "transaction_id": transaction_id,
                    "type_code": kind,
                    "order_tiktok_id": reference if is_order else related,
                    "adjustment_id": "" if is_order else reference,
                    "currency": currency,
                    "est_settlement_amount": estimated,
                    "est_revenue_amount": net_sales,
                    "est_shipping_cost_amount": shipping,
                    "est_fee_tax_amount": fees,
                    "est_adjustment_amount": adjustment,
                    "estimated_settlement_time": None,
                    "estimated_settlement_text": when,
                    "unsettled_reason": row.text("reason"),
                    "order_create_time": created,
                    "order_delivery_time": None,
                    "breakdown": {"file": row.cells_kept()},
                },
            )
        )


def file_plan(file: FinanceFile, zone) -> FilePlan:
    """Every row of the file read and planned; the file's sheets per its layout."""
    layout = file.layout
    plan = FilePlan(label=layout.label)
    sheets = {sheet.name: file.sheet(sheet) for sheet in layout.sheets}
    for sheet in sheets.values():
        if sheet is not None:
            plan.ignored += sheet.ignored
            plan.rows += len(sheet.rows)
    if layout is SEA_INCOME:
        sea_income(plan, sheets["order details"], zone)
    elif layout is US_PROFIT_LOSS:
        us_orders(plan, sheets["orders"], layout.currency)
        if sheets.get("adjustment") is not None:
            us_adjustments(plan, sheets["adjustment"], layout.currency)
        known = {s.name for s in layout.sheets}
        plan.ignored += [
            f"sheet “{name}”" for name in file.grids if name.strip().lower() not in known
        ]
    elif layout is US_UNSETTLED:
        us_unsettled(plan, sheets[""], layout.currency, zone)
    return plan
