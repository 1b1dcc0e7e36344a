"""Benchmark of the sales insights page (`manage.py benchmark --parts insights`): the whole page
for periods up to a year and for filtered periods, against the direct aggregation of the same
figures over the orders as raw SQL, timed the same way (docs/benchmarks.md)."""

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm
from benchmarks.pages import CountQueries, _measure
from insights.scope import insight_request
from orders.models import Order, OrderLine, SalesDay
from orders.selectors.sales import sales_figures
from orders.services.sales_rollups import sales_days_recompute, sales_rollups_rebuild


@dataclass
class InsightTiming:
    name: str
    query: str
    page_ms: tuple[float, float]  # p50, p95 of the whole page
    raw_ms: tuple[float, float]  # the figures aggregated over the orders, as raw SQL
    queries: int


class RecordQueries:
    """The statements run inside, with their parameters, to run them again as raw SQL."""

    def __enter__(self):
        self.statements = []
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def _record(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def _usd_shop(user: User):
    shops = shops_for_user(user, Perm.VIEW_INSIGHTS).order_by("pk")
    return shops.filter(currency="USD").first() or shops.first()


def _frequent(shop) -> tuple[str, str]:
    """The shop's most sold seller SKU and its most frequent state."""
    sku = (
        OrderLine.objects.filter(order__shop=shop)
        .exclude(seller_sku="")
        .values_list("seller_sku")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    state = (
        Order.objects.filter(shop=shop)
        .exclude(state="")
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return (sku[0] if sku else ""), (state[0] if state else "")


def insight_cases(shop) -> list[tuple[str, dict]]:
    sku, state = _frequent(shop)
    cases = [
        ("last 30 days", {"period": "last_30_days"}),
        ("last 12 months", {"period": "last_12_months"}),
    ]
    if sku:
        cases += [
            (f"a SKU ({sku}), last 30 days", {"period": "last_30_days", "sku": sku}),
            (f"a SKU ({sku}), last 12 months", {"period": "last_12_months", "sku": sku}),
        ]
    if state:
        cases.append(
            (f"a state ({state}), last 12 months", {"period": "last_12_months", "state": state})
        )
    return [(name, {"shop": shop.slug, **params}) for name, params in cases]


def _raw_figures(user: User, params: dict) -> list[tuple[str, object]]:
    """The statements of the direct aggregation of the page's figures (roll-ups off)."""
    request = RequestFactory().get("/insights/", QueryDict(urlencode(params)))
    request.user = user
    parsed = insight_request(request)
    assert parsed.sales is not None, parsed.refusal
    with override_settings(INSIGHTS_ROLLUPS=False), RecordQueries() as recorded:
        sales_figures(parsed.sales, parsed.span.first, parsed.span.after)
    return recorded.statements


def rollups_current(shop) -> float:
    """Recompute what is marked, or build the shop's roll-ups if it has none; seconds taken."""
    started = time.perf_counter()
    sales_days_recompute(None)
    if not SalesDay.objects.filter(shop=shop).exists() and Order.objects.filter(shop=shop).exists():
        sales_rollups_rebuild(shops=[shop])
    return time.perf_counter() - started


def benchmark_insights(*, user: User, repeat: int) -> tuple[list[InsightTiming], float]:
    shop = _usd_shop(user)
    prepared = rollups_current(shop)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    results = []
    for name, params in insight_cases(shop):
        query = urlencode(params)

        def page(query=query):
            response = client.get(f"/insights/?{query}")
            assert response.status_code == 200, (query, response.status_code)

        statements = _raw_figures(user, params)

        def raw(statements=statements):
            with connection.cursor() as cursor:
                for sql, sql_params in statements:
                    cursor.execute(sql, sql_params)
                    cursor.fetchall()

        with CountQueries() as counter:
            page()
        results.append(
            InsightTiming(
                name, query[:70], _measure(page, repeat), _measure(raw, repeat), counter.count
            )
        )
    return results, prepared


def render_insights_markdown(timings: list[InsightTiming], *, orders: int, prepared: float) -> str:
    lines = [
        f"Sales insights on {orders:,} orders, one shop's currency (PostgreSQL). Times in ms, "
        "p50 / p95. Raw SQL: the period's figures aggregated directly over the orders "
        "(what the page would run without roll-ups).",
        "",
        "| case | page (server) | raw SQL of the figures | page ÷ raw SQL (p95) | queries |",
        "|---|---|---|---|---|",
    ]
    for t in timings:
        ratio = t.page_ms[1] / t.raw_ms[1] if t.raw_ms[1] else 0
        lines.append(
            f"| {t.name} | {t.page_ms[0]:.1f} / {t.page_ms[1]:.1f} | "
            f"{t.raw_ms[0]:.1f} / {t.raw_ms[1]:.1f} | {ratio:.2f} | {t.queries} |"
        )
    lines += ["", f"Roll-ups brought up to date first in {prepared:.1f} s."]
    return "\n".join(lines)
