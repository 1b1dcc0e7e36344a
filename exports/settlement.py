"""The settlement report: what TikTok settled, one row per transaction of a statement or of
a span of statement days (a month, or a schedule's previous period), for accountants.

A job of this template names its statements in its query: `statement=<pk>` (one statement),
`month=YYYY-MM`, or `date_from`/`date_to` (statement days, as a schedule passes its period).
Rows are read through the ORM in key-range batches and written by the same cells and writers
as every export; the report ends with a total row per currency (never across currencies).
It holds no buyer data, so nothing in it is masked; it needs "View finance" in each shop.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.http import QueryDict

from accounts.models import Shop
from exports.columns import Column, Kind, Template, TemplateColumn
from finance.models import PaymentStatus, SettlementTransaction, Statement
from orders.periods import add_months

SETTLEMENT_TEMPLATE_CODE = "settlement"
BATCH = 2000


class SettlementScopeRefused(ValueError):
    """The query names no statements the report can hold; the message says why."""


def _matched(prefix: str) -> Case:
    return Case(
        When(order__isnull=False, then=Value("1")), default=Value("0"), output_field=CharField()
    )


_YES_NO = {"1": "Yes", "0": "No"}
_COLUMNS = (
    ("Shop", Column("shop", "Shop", "Settlement", Kind.TEXT, "shop__name")),
    ("Statement date", Column("day", "Statement date", "Settlement", Kind.TEXT, "day")),
    ("Statement ID", Column("statement_id", "", "Settlement", Kind.ID, "statement__statement_id")),
    ("Payment ID", Column("payment_id", "", "Settlement", Kind.ID, "statement__tiktok_payment_id")),
    (
        "Payout status",
        Column(
            "payout",
            "",
            "Settlement",
            Kind.LABEL,
            "statement__payment_status",
            labels=dict(PaymentStatus.choices),
        ),
    ),
    ("Transaction ID", Column("transaction_id", "", "Settlement", Kind.ID, "transaction_id")),
    ("Type", Column("type", "", "Settlement", Kind.TEXT, "type__label")),
    ("Order ID", Column("order_id", "", "Settlement", Kind.ID, "order_tiktok_id")),
    (
        "Our order",
        Column("matched", "", "Settlement", Kind.LABEL, _matched, labels=_YES_NO),
    ),
    ("Adjustment ID", Column("adjustment_id", "", "Settlement", Kind.ID, "adjustment_id")),
    ("Currency", Column("currency", "", "Settlement", Kind.TEXT, "currency")),
    ("Gross sales", Column("gross", "", "Settlement", Kind.MONEY, "gross_sales_amount")),
    ("Seller discounts", Column("discounts", "", "Settlement", Kind.MONEY, "discount_amount")),
    ("Refunds", Column("refunds", "", "Settlement", Kind.MONEY, "refund_amount")),
    ("Fees", Column("fees", "", "Settlement", Kind.MONEY, "fee_amount")),
    ("Shipping", Column("shipping", "", "Settlement", Kind.MONEY, "shipping_amount")),
    ("Taxes", Column("taxes", "", "Settlement", Kind.MONEY, "tax_amount")),
    ("Adjustments", Column("adjustments", "", "Settlement", Kind.MONEY, "adjustment_amount")),
    ("Not itemised", Column("unitemised", "", "Settlement", Kind.MONEY, "unitemised_amount")),
    ("Settlement", Column("settlement", "", "Settlement", Kind.MONEY, "settlement_amount")),
    ("Reserve", Column("reserve", "", "Settlement", Kind.MONEY, "reserve_amount")),
)
SETTLEMENT_REPORT = Template(
    SETTLEMENT_TEMPLATE_CODE, tuple(TemplateColumn(column, header) for header, column in _COLUMNS)
)


@dataclass(frozen=True)
class SettlementScope:
    statement: int | None = None
    first: date | None = None
    last: date | None = None

    def statements(self, shops: list[Shop]) -> QuerySet[Statement]:
        statements = Statement.objects.filter(shop__in=shops)
        if self.statement is not None:
            return statements.filter(pk=self.statement)
        return statements.filter(statement_date__gte=self.first, statement_date__lte=self.last)

    @property
    def text(self) -> str:
        """The report's scope in words: "Statement #12", "Statements of Nov 1–30, 2026"."""
        if self.statement is not None:
            return f"Statement #{self.statement}"
        return f"Statements of {self.first:%b} {self.first.day}, {self.first.year} – " + (
            f"{self.last:%b} {self.last.day}, {self.last.year}"
        )


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettlementScopeRefused(f"{name} is not a day (YYYY-MM-DD).") from None


def settlement_scope(query: QueryDict) -> SettlementScope:
    """The statements a query names; SettlementScopeRefused when it names none clearly."""
    if statement := query.get("statement", ""):
        if not statement.isdigit() or len(statement) > 12:
            raise SettlementScopeRefused("Choose the statement to report on.")
        return SettlementScope(statement=int(statement))
    if month := query.get("month", ""):
        year, _, number = month.partition("-")
        if not (year.isdigit() and number.isdigit() and 2000 <= int(year) <= 2100):
            raise SettlementScopeRefused("Write the month as year and month, e.g. 2026-11.")
        if not 1 <= int(number) <= 12:
            raise SettlementScopeRefused("Write the month as year and month, e.g. 2026-11.")
        first = date(int(year), int(number), 1)
        return SettlementScope(first=first, last=add_months(first, 1) - timedelta(days=1))
    first, last = query.get("date_from", ""), query.get("date_to", "")
    if not (first and last):
        raise SettlementScopeRefused("Choose a statement, a month or a span of statement days.")
    scope = SettlementScope(first=_day(first, "From"), last=_day(last, "To"))
    if scope.first > scope.last:
        raise SettlementScopeRefused("The last statement day comes before the first.")
    return scope


def _transactions(statements: QuerySet[Statement]) -> QuerySet[SettlementTransaction]:
    return SettlementTransaction.objects.filter(statement__in=statements.values("pk")).annotate(
        day=F("statement__statement_date")
    )


def settlement_count(scope: SettlementScope, shops: list[Shop]) -> int:
    return _transactions(scope.statements(shops)).count()


def settlement_batches(scope: SettlementScope, shop: Shop, values: list) -> Iterator[list[tuple]]:
    """The shop's rows, by statement day then transaction, in batches of BATCH rows read by
    key range (each batch one indexed query, whatever the size of the report)."""
    ordered = _transactions(scope.statements([shop])).order_by("day", "pk")
    after = None
    while True:
        batch = ordered
        if after:
            batch = ordered.filter(Q(day__gt=after[0]) | Q(day=after[0], pk__gt=after[1]))
        rows = list(batch.values_list("day", "pk", *values)[:BATCH])
        if not rows:
            return
        after = rows[-1][:2]
        yield [row[2:] for row in rows]
        if len(rows) < BATCH:
            return


def settlement_totals(scope: SettlementScope, shops: list[Shop]) -> list[dict]:
    """A total per currency of every money column, in one GROUP BY."""
    sums = {
        tc.column.key: Sum(tc.column.source)
        for tc in SETTLEMENT_REPORT.columns
        if tc.column.kind == Kind.MONEY
    }
    return list(
        _transactions(scope.statements(shops))
        .order_by()
        .values("currency")
        .annotate(transactions=Count("pk"), **sums)
        .order_by("currency")
    )


def total_row(total: dict) -> list:
    """A total row in the report's columns: words where the ids are, sums under money."""
    count = total["transactions"]
    words = {
        "type": f"Total of {count:,} transaction{'' if count == 1 else 's'}",
        "currency": total["currency"],
    }
    return [
        total.get(tc.column.key) if tc.column.kind == Kind.MONEY else words.get(tc.column.key, "")
        for tc in SETTLEMENT_REPORT.columns
    ]
