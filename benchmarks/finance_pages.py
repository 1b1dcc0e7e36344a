"""Benchmark of the finance pages (part of `manage.py benchmark --parts finance`): the
statements of the last month, its largest statement, the month's summary and the differences
work list, each requested through the Django test client as the demo's accountant, next to
the same page's own SQL run alone in the same run (every query the page made, as sent)."""

from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from benchmarks.pages import _measure
from finance.models import Statement

ACCOUNTANT = "accountant@demo.test"


@dataclass
class FinancePageTiming:
    name: str
    url: str
    page_ms: tuple[float, float]  # p50, p95 of the whole page (middleware, queries, HTML)
    sql_ms: tuple[float, float]  # the page's queries alone, as SQL
    queries: int


def _cases(user: User) -> list[tuple[str, str]]:
    statements = Statement.objects.filter(shop__memberships__user=user)
    last = statements.aggregate(last=Max("statement_date"))["last"]
    if last is None:
        raise CommandError(f"{ACCOUNTANT} sees no statements: run `manage.py seed_finance`.")
    month = statements.filter(statement_date__year=last.year, statement_date__month=last.month)
    by_size = F("transactions_expected").desc(nulls_last=True)
    largest = month.order_by(by_size, "-pk").first()
    return [
        (f"statements of {last:%B %Y}", f"/finance/?month={last:%Y-%m}"),
        ("one statement (its month's largest)", f"/finance/statements/{largest.pk}/"),
        (f"summary of {last:%B %Y}", f"/finance/months/{last.year}/{last.month}/"),
        ("differences work list (open)", "/finance/differences/"),
    ]


def benchmark_finance_pages(*, repeat: int = 30) -> list[FinancePageTiming]:
    user = User.objects.filter(email=ACCOUNTANT).first()
    if user is None:
        raise CommandError(f"No {ACCOUNTANT}: run `manage.py seed_demo` first.")
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    results = []
    for name, url in _cases(user):

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        with CaptureQueriesContext(connection) as captured:
            page()
        sql = [query["sql"] for query in captured.captured_queries]

        def raw(sql=sql):
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
                    if cursor.description:
                        cursor.fetchall()

        results.append(
            FinancePageTiming(name, url, _measure(page, repeat), _measure(raw, repeat), len(sql))
        )
    return results


def render_finance_pages_markdown(timings: list[FinancePageTiming], *, repeat: int) -> str:
    lines = [
        f"Finance pages as {ACCOUNTANT}, {repeat} requests each (Django test client), next to "
        "the page's own queries run alone as SQL. Target: p95 ≤ 150 ms.",
        "",
        "| page | page p50 ms | page p95 ms | its SQL p50 ms | its SQL p95 ms | queries |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.name} | {t.page_ms[0]:.1f} | {t.page_ms[1]:.1f} | {t.sql_ms[0]:.1f} | "
        f"{t.sql_ms[1]:.1f} | {t.queries} |"
        for t in timings
    ]
    return "\n".join(lines)
