"""The statements pages read: a page of statements with their payout and counts, the totals
of the listed period per currency, one statement's transactions with their fee breakdown,
and what TikTok still estimates (unsettled, kept apart from what was settled).

Every figure is an aggregate in SQL (one GROUP BY per table), never a loop over rows; what
a statement's transactions add up to is read from its totals (finance.models.totals).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Shop
from finance.catalogue import Group
from finance.models import (
    Difference,
    DifferenceStatus,
    Statement,
    StatementComponentTotal,
    TransactionComponent,
    UnsettledTransaction,
)

STATEMENTS_PER_PAGE = 31  # a month of daily statements
TRANSACTIONS_PER_PAGE = 50
UNSETTLED_SHOWN = 20
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    """The statement days asked for (inclusive); None: no bound."""

    first: date | None = None
    last: date | None = None


def _count(queryset, field: str) -> Coalesce:
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def statements_in(*, shops: list[Shop], period: Period, status: str = "") -> QuerySet[Statement]:
    """The shops' statements of the period (and payout status), newest first."""
    statements = Statement.objects.filter(shop__in=shops)
    if period.first:
        statements = statements.filter(statement_date__gte=period.first)
    if period.last:
        statements = statements.filter(statement_date__lte=period.last)
    if status:
        statements = statements.filter(payment_status=status)
    return statements


def statement_page(*, shops: list[Shop], period: Period, status: str = "", page: int = 1) -> Page:
    """A page of statements, each with its payment, transaction count and open differences."""
    statements = (
        statements_in(shops=shops, period=period, status=status)
        .select_related("shop", "payment")
        .annotate(
            transaction_count=Coalesce(F("totals__transactions"), 0),
            open_differences=_count(
                Difference.objects.filter(status=DifferenceStatus.OPEN), "statement"
            ),
        )
        .order_by("-statement_date", "shop__name", "currency", "pk")
    )
    return Paginator(statements, STATEMENTS_PER_PAGE).get_page(page)


# What a statement row (or, prefixed `est_`, an unsettled estimate) says, by the page's names.
AMOUNTS = {
    "settlement": "settlement_amount",
    "revenue": "revenue_amount",
    "fees": "fee_tax_amount",
    "shipping": "shipping_cost_amount",
    "adjustments": "adjustment_amount",
}
ESTIMATES = {name: f"est_{field}" for name, field in AMOUNTS.items()}


def per_currency(rows: QuerySet, amounts: dict[str, str], count: str = "") -> list[dict]:
    """`rows` added up per currency (never across currencies), in one GROUP BY; `count`
    names how many rows each currency has."""
    counted = {count: Count("pk")} if count else {}
    sums = {name: Sum(field) for name, field in amounts.items()}
    return list(rows.order_by().values("currency").annotate(**counted, **sums).order_by("currency"))


def period_totals(*, shops: list[Shop], period: Period, status: str = "") -> list[dict]:
    """The listed statements' amounts added up per currency."""
    statements = statements_in(shops=shops, period=period, status=status)
    return per_currency(statements, AMOUNTS, "statements")


def month_statements(*, shop: Shop, first: date) -> QuerySet[Statement]:
    """The shop's statements of the calendar month starting on `first` (UTC days)."""
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return Statement.objects.filter(
        shop=shop, statement_date__gte=first, statement_date__lt=following
    )


def statements_of(*, shops: list[Shop]) -> QuerySet[Statement]:
    """The statements a page may name: another shop's is not among them (a 404)."""
    return Statement.objects.filter(shop__in=shops).select_related("shop", "payment")


def _components_ordered() -> QuerySet[TransactionComponent]:
    return (
        TransactionComponent.objects.select_related("component")
        .exclude(amount=0)
        .order_by("component__position", "component_id")
    )


def statement_transactions(*, statement: Statement, page: int = 1) -> Page:
    """A page of the statement's transactions, each with its typed amounts (components)."""
    transactions = (
        statement.transactions.select_related("type", "order", "order__shop")
        .prefetch_related(Prefetch("components", queryset=_components_ordered()))
        .order_by("order_create_time", "pk")
    )
    return Paginator(transactions, TRANSACTIONS_PER_PAGE).get_page(page)


def fee_breakdown(*, statements: QuerySet[Statement]) -> list[dict]:
    """Every component of the statements' transactions summed (one GROUP BY over the
    statements' component totals, finance.models.totals): label, group,
    whether TikTok's catalogue knows it, and the total; reference amounts last."""
    rows = (
        StatementComponentTotal.objects.filter(statement__in=statements)
        .values(
            "currency",
            "component_id",
            "component__label",
            "component__group",
            "component__known",
            "component__position",
        )
        .annotate(total=Sum("amount"), transactions=Sum("transactions"))
        .exclude(total=0)
        .order_by("currency", "component__position", "component_id")
    )
    labels = dict(Group.choices)
    shown = [
        {
            "currency": row["currency"],
            "label": row["component__label"],
            "group": labels.get(row["component__group"], row["component__group"]),
            "reference": row["component__group"] == Group.REFERENCE,
            "known": row["component__known"],
            "total": row["total"],
            "transactions": row["transactions"],
        }
        for row in rows
    ]
    return sorted(shown, key=lambda row: (row["currency"], row["reference"]))


def unmatched_count(*, statement: Statement) -> int:
    """Transactions naming a TikTok order we do not hold."""
    return statement.transactions.filter(order__isnull=True).exclude(order_tiktok_id="").count()


@dataclass(frozen=True)
class Unsettled:
    """What TikTok still estimates for the shops: totals per currency, and the next few."""

    totals: list[dict]
    upcoming: list[UnsettledTransaction]


def unsettled_for(*, shops: list[Shop]) -> Unsettled:
    rows = UnsettledTransaction.objects.filter(shop__in=shops)
    totals = per_currency(rows, ESTIMATES, "transactions")
    upcoming = list(
        rows.select_related("type", "order", "order__shop", "shop").order_by(
            Coalesce("estimated_settlement_time", "order_delivery_time").asc(nulls_last=True),
            "pk",
        )[:UNSETTLED_SHOWN]
    )
    return Unsettled(totals=totals, upcoming=upcoming)


def open_difference_count(*, statements: QuerySet[Statement]) -> int:
    return Difference.objects.filter(
        Q(statement__in=statements), status=DifferenceStatus.OPEN
    ).count()
