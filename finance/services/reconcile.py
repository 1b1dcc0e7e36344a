"""Reconciliation: each settled order matched to our order and what does not match recorded
as a Difference with its reason, per statement or per period, in a few set-based statements
(finance.services.reconcile_sql) whatever the number of orders.

Idempotent: a difference is keyed by what it concerns, so a re-run updates it; an explained
difference stays explained while its facts stay the same; one the scope no longer finds is
resolved. A period is a span of UTC days, the days statements are issued for (docs/decisions.md
"Finance: reconciliation").
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from finance.models import FinanceSync, Statement
from finance.services import reconcile_sql as sql
from finance.values import utc_day_start

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class ReconcileReport:
    matched: int = 0
    found: dict[str, int] = field(default_factory=dict)  # "kind" or "kind/reason" -> count
    resolved: int = 0

    @property
    def differences(self) -> int:
        return sum(self.found.values())

    def as_dict(self) -> dict:
        return {
            "matched": self.matched,
            "differences": self.differences,
            "resolved": self.resolved,
            **self.found,
        }


def month_span(year: int, month: int) -> tuple[datetime, datetime]:
    """A calendar month of UTC days: [first day 00:00 UTC, next month's first day)."""
    if not 1 <= month <= 12:
        raise ValueError(f"{month} is not a month (1–12)")
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return utc_day_start(start), utc_day_start(end)


def reconcile(
    shop,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    statement: Statement | None = None,
    now: datetime | None = None,
) -> ReconcileReport:
    """Reconcile the shop's statements issued in [since, until) (all of them without either),
    or one statement; a period also looks for orders that should have settled in it."""
    now = now or timezone.now()
    if statement is not None:
        since, until = statement.statement_time, statement.statement_time + timedelta(days=1)
    whole = since is None and until is None
    since, until = since or EARLIEST, until or now + timedelta(days=1)
    lag = timedelta(days=settings.FINANCE_NEVER_SETTLED_DAYS)
    params = {
        "shop": shop.pk,
        "since": since,
        "until": until,
        "all_statements": whole,
        "never_settled": statement is None,
        "delivered_since": since - lag,
        "delivered_until": min(until, now) - lag,
        "tolerance": settings.FINANCE_AMOUNT_TOLERANCE,
        "fee_rate": settings.FINANCE_FEE_RATE_MAX,
        "now": now,
    }
    report = ReconcileReport()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.MATCH, params)
        report.matched = cursor.rowcount
        for table in ("finance_transactionsku", "finance_unsettledtransaction"):
            cursor.execute(sql.MATCH_OTHERS.format(table=table), params)
        cursor.execute(sql.DROP)
        cursor.execute(sql.FOUND_TABLE)
        cursor.execute(sql.ORDER_TOTALS_TABLE)
        for step in (
            sql.UNKNOWN_ORDERS,
            sql.CURRENCY_MISMATCHES,
            sql.ADJUSTMENTS,
            sql.ORDER_TOTALS,
            sql.REVENUE_DIFFERENCES,
            sql.FEE_DIFFERENCES,
        ):
            cursor.execute(step, params)
        if statement is None:
            cursor.execute(sql.NEVER_SETTLED, params)
        cursor.execute(sql.MERGE, params)
        cursor.execute(sql.RESOLVE, params)
        report.resolved = cursor.rowcount
        cursor.execute(sql.COUNTS)
        for kind, reason, count in cursor.fetchall():
            report.found[f"{kind}/{reason}" if reason else kind] = count
        cursor.execute(sql.DROP)
        scoped = Statement.objects.filter(shop=shop)
        if not whole:
            scoped = scoped.filter(statement_time__gte=since, statement_time__lt=until)
        scoped.update(reconciled_at=now)
        if not FinanceSync.objects.filter(shop=shop).update(last_reconciled_at=now):
            FinanceSync.objects.get_or_create(shop=shop, defaults={"last_reconciled_at": now})
    return report


def reconcile_month(shop, year: int, month: int, **options) -> ReconcileReport:
    since, until = month_span(year, month)
    return reconcile(shop, since=since, until=until, **options)
