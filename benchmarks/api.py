"""Benchmark of the read API (`manage.py benchmark --parts api`): the orders list as a script
reads it, through the Django test client with a real token (authentication, scope, throttle,
filters, masking, the audit of unmasked buyer data, JSON), against the raw SQL of the same rows
(the page's orders and their lines) measured in the same run; and paging through many orders
by following `next`, against running the same pages' SQL alone.

Everything runs inside one transaction that is rolled back: the benchmark's token, its last
use and the audit events its pages write never reach the database (docs/benchmarks.md).
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client, override_settings

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm
from api.scopes import Scope
from api.services import token_create
from benchmarks.pages import CountQueries, _measure, percentiles
from orders.keyset import after_cursor, cursor_for, sort_queryset
from orders.selectors.order_filter import order_filterset


def _lines_sql(count: int) -> str:
    """The lines of `count` orders, one placeholder an id (any engine)."""
    return f"SELECT * FROM orders_orderline WHERE order_id IN ({', '.join(['%s'] * count)})"  # noqa: S608


SORT = "-created"


@dataclass
class ApiTiming:
    name: str
    query: str
    page_ms: tuple[float, float]  # p50, p95 of the whole response
    raw_ms: tuple[float, float]  # the page's orders and their lines, as raw SQL
    queries: int


@dataclass
class ApiPaging:
    orders: int
    pages: int
    per_page: int
    seconds: float
    raw_seconds: float  # the same pages' orders and lines as raw SQL
    page_ms: tuple[float, float]
    queries: tuple[int, int]  # statements of the first and of the last page


class _Reader:
    """A script holding a token of `user` for every shop where they view orders."""

    def __init__(self, user: User):
        self.shops = list(shops_for_user(user, Perm.VIEW_ORDERS).order_by("pk"))
        created = token_create(
            owner=user,
            name="benchmark",
            shops=self.shops,
            scopes=[Scope.ORDERS_READ],
            expires_days=1,
        )
        self.user = user
        self.client = Client(SERVER_NAME="localhost")
        self.headers = {"Authorization": f"Bearer {created.secret}"}

    def get(self, url: str) -> dict:
        response = self.client.get(url, headers=self.headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.json()

    def page_sql(self, query: str, cursor: str | None = None):
        """The rows query the API runs for this page (its per_page + 1 rows, with the shop;
        the order's id first), as SQL and parameters."""
        params = QueryDict(query, mutable=True)
        params.setdefault("per_page", "100")
        filterset, _ = order_filterset(user=self.user, query=params, within=self.shops)
        rows = sort_queryset(filterset.qs, params.get("sort", SORT))
        if cursor:
            rows = after_cursor(rows, cursor, params.get("sort", SORT))
        page = rows.select_related("shop")[: int(params["per_page"]) + 1]
        return page.query.sql_with_params()


def _raw_page(sql: str, params) -> list[int]:
    """The page's orders, then their lines, as raw SQL; the orders' ids."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute(_lines_sql(len(ids)), ids)
        cursor.fetchall()
    return ids


def _deep_cursor(reader: _Reader, depth: int) -> str:
    filterset, _ = order_filterset(user=reader.user, query=QueryDict(), within=reader.shops)
    return cursor_for(sort_queryset(filterset.qs, SORT)[depth : depth + 1].get(), SORT)


def _cases(reader: _Reader, deep: int) -> list[tuple[str, str, str | None]]:
    return [
        ("list: 100 orders with lines (default)", "", None),
        ("list: 100 orders, no buyer fields", "fields=order_id,status,total_amount,lines", None),
        ("list: 200 orders with lines", "per_page=200", None),
        ("list: status in transit", "status=IN_TRANSIT", None),
        (f"list: deep page (row {deep:,}, cursor)", "", _deep_cursor(reader, deep)),
    ]


def _timed_case(reader: _Reader, name: str, query: str, cursor: str | None, repeat: int):
    url = "/api/v1/orders/?" + query + (f"&cursor={cursor}" if cursor else "")
    sql, params = reader.page_sql(query, cursor)
    with CountQueries() as counter:
        reader.get(url)
    return ApiTiming(
        name,
        query or "(none)",
        _measure(lambda: reader.get(url), repeat),
        _measure(lambda: _raw_page(sql, params), repeat),
        counter.count,
    )


def _paging(reader: _Reader, orders: int, per_page: int) -> ApiPaging:
    """Follow `next` from the first page until `orders` orders have come; then the same
    pages' SQL alone (each page's rows query, built from the cursors the API gave)."""
    url = f"/api/v1/orders/?per_page={per_page}"
    seen, cursors, samples, queries = 0, [None], [], []
    started = time.perf_counter()
    while url and seen < orders:
        begun = time.perf_counter()
        with CountQueries() as counter:
            page = reader.get(url)
        samples.append((time.perf_counter() - begun) * 1000)
        queries.append(counter.count)
        seen += len(page["results"])
        url = page["next"]
        cursors.append(page["next_cursor"])
    seconds = time.perf_counter() - started
    statements = [reader.page_sql(f"per_page={per_page}", c) for c in cursors[: len(samples)]]
    started = time.perf_counter()
    for sql, params in statements:
        _raw_page(sql, params)
    raw_seconds = time.perf_counter() - started
    return ApiPaging(
        seen,
        len(samples),
        per_page,
        seconds,
        raw_seconds,
        percentiles(samples),
        (queries[0], queries[-1]),
    )


def benchmark_api(*, user: User, repeat: int, deep: int, orders: int, per_page: int):
    """(list timings, paging) for `user`'s view; nothing it writes is kept."""
    with override_settings(API_RATE_LIMIT="1000000/minute"), transaction.atomic():
        reader = _Reader(user)
        timings = [
            _timed_case(reader, name, query, cursor, repeat)
            for name, query, cursor in _cases(reader, deep)
        ]
        paging = _paging(reader, orders, per_page)
        transaction.set_rollback(True)
    return timings, paging


def render_api_markdown(timings: list[ApiTiming], paging: ApiPaging, *, orders: int) -> str:
    lines = [
        f"Read API on {orders:,} orders (PostgreSQL), through the test client with a token. "
        "Times in ms, p50 / p95. Raw SQL: the page's orders and their lines.",
        "",
        "| case | response (server) | raw SQL of the rows and lines | response ÷ raw (p95) "
        "| queries |",
        "|---|---|---|---|---|",
    ]
    for t in timings:
        ratio = t.page_ms[1] / t.raw_ms[1] if t.raw_ms[1] else 0
        lines.append(
            f"| {t.name} | {t.page_ms[0]:.1f} / {t.page_ms[1]:.1f} | "
            f"{t.raw_ms[0]:.1f} / {t.raw_ms[1]:.1f} | {ratio:.2f} | {t.queries} |"
        )
    rate = paging.orders / paging.seconds if paging.seconds else 0
    raw_rate = paging.orders / paging.raw_seconds if paging.raw_seconds else 0
    lines += [
        "",
        "| paging by cursor (following `next`) | orders | pages | seconds | orders/s "
        "| page p50 / p95 ms | queries (first, last page) |",
        "|---|---|---|---|---|---|---|",
        f"| API, {paging.per_page} a page | {paging.orders:,} | {paging.pages:,} | "
        f"{paging.seconds:.1f} | {rate:,.0f} | {paging.page_ms[0]:.1f} / {paging.page_ms[1]:.1f} "
        f"| {paging.queries[0]}, {paging.queries[1]} |",
        f"| raw SQL of the same pages | {paging.orders:,} | {paging.pages:,} | "
        f"{paging.raw_seconds:.1f} | {raw_rate:,.0f} | | |",
    ]
    return "\n".join(lines)
