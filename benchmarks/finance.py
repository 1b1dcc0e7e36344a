"""Benchmark of reconciliation (`manage.py benchmark --parts finance`): a year of every shop's
statements reconciled against their orders, first and again (a re-run finds the same and
changes nothing), one month, and the month's summaries. The finance data comes from
`manage.py seed_finance` (docs/benchmarks.md "Finance reconciliation")."""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.management.base import CommandError
from django.db.models import Count, Max, Min
from django.utils import timezone

from accounts.models import Shop
from finance.models import Difference, SettlementTransaction, Statement
from finance.selectors.summary import month_summaries
from finance.services.reconcile import reconcile, reconcile_month
from orders.models import Order


@dataclass
class FinanceTiming:
    name: str
    seconds: float
    detail: str


def _shops() -> list[Shop]:
    shops = list(Shop.objects.filter(finance_statements__isnull=False).distinct().order_by("pk"))
    if not shops:
        raise CommandError("No finance data: run `manage.py seed_finance` first.")
    return shops


def _timed(name: str, run) -> FinanceTiming:
    started = time.perf_counter()
    detail = run()
    return FinanceTiming(name, time.perf_counter() - started, detail)


def benchmark_finance() -> tuple[list[FinanceTiming], dict]:
    shops = _shops()
    now = timezone.now()
    since = now - timedelta(days=365)
    span = Statement.objects.aggregate(first=Min("statement_date"), last=Max("statement_date"))
    sizes = {
        "orders": Order.objects.filter(shop__in=shops).count(),
        "statements": Statement.objects.filter(statement_time__gte=since).count(),
        "transactions": SettlementTransaction.objects.filter(
            statement__statement_time__gte=since
        ).count(),
        "first": span["first"],
        "last": span["last"],
    }

    def year() -> str:
        found = [reconcile(shop, since=since, until=now, now=now) for shop in shops]
        differences = sum(report.differences for report in found)
        return f"{differences:,} differences"

    def month() -> str:
        last = sizes["last"]
        found = [reconcile_month(shop, last.year, last.month, now=now) for shop in shops]
        return f"{sum(r.differences for r in found):,} differences in {last:%B %Y}"

    def summaries() -> str:
        last = sizes["last"]
        made = [s for shop in shops for s in month_summaries(shop, last.year, last.month)]
        assert all(summary.adds_up for summary in made)
        return f"{len(made)} summaries, all adding up"

    Difference.objects.filter(shop__in=shops).delete()  # the first run finds everything anew
    timings = [
        _timed("a year, first run", year),
        _timed("a year, again (nothing changes)", year),
        _timed("one month", month),
        _timed("the month's summaries", summaries),
    ]
    kinds = dict(
        Difference.objects.filter(shop__in=shops)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    sizes["kinds"] = kinds
    return timings, sizes


def render_finance_markdown(timings: list[FinanceTiming], sizes: dict) -> str:
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(sizes["kinds"].items()))
    lines = [
        f"Reconciliation of {sizes['statements']:,} statements ({sizes['first']} to "
        f"{sizes['last']}) holding {sizes['transactions']:,} transactions, against "
        f"{sizes['orders']:,} orders (PostgreSQL). Target: a year in 60 s or less.",
        "",
        "| case | seconds | found |",
        "|---|---|---|",
    ]
    lines += [f"| {t.name} | {t.seconds:.1f} | {t.detail} |" for t in timings]
    lines += ["", f"Differences by kind: {kinds}."]
    return "\n".join(lines)
