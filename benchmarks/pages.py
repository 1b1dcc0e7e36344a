"""Benchmarks of the order list, each against baselines measured in the same run:
the raw SQL of the same rows query (the physical limit) and the straightforward Django list a
typical project writes (Paginator with COUNT(*) and OFFSET)."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test import Client

from accounts.models import User
from orders.keyset import cursor_for, sort_queryset
from orders.models import Order, OrderLine, Package
from orders.selectors.order_filter import order_filterset
from orders.statuses import OrderStatus


@dataclass
class Timing:
    name: str
    query: str
    page_ms: tuple[float, float]  # p50, p95 of the whole page (middleware, queries, HTML)
    raw_ms: tuple[float, float]  # the rows query alone, as SQL
    naive_ms: tuple[float, float]  # Paginator + COUNT(*) + OFFSET, same filters
    queries: int


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 as every benchmark table of this app reports them."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _measure(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    for _ in range(2):  # warm caches and connections
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def list_cases(user: User) -> list[tuple[str, str]]:
    """(name, query string) for the default view, each single filter, search and deep pages."""
    shop_orders = Order.objects.filter(shop__memberships__user=user)
    # The newest delivered parcel-carrying order: its tracking number is the search case.
    sample = (
        shop_orders.filter(status="DELIVERED", packages__tracking_number__gt="")
        .order_by("-create_time")
        .first()
    )
    line = OrderLine.objects.filter(order=sample).first()
    package = Package.objects.filter(order=sample).first()
    cases = [
        ("default view", ""),
        ("status", "status=IN_TRANSIT"),
        ("status (two)", "status=AWAITING_SHIPMENT&status=AWAITING_COLLECTION"),
        ("period last 30 days", "period=last_30d"),
        ("date range (a month)", "date_from=2026-03-01&date_to=2026-03-31"),
        ("paid last month", "date_field=paid&period=last_month"),
        ("total ≥ 100", "total_min=100"),
        ("payment method", "payment_method=PayPal"),
        ("state", "state=Texas"),
        ("carrier", "carrier=UPS"),
        ("tracking status", "tracking_status=EXCEPTION"),
        ("fulfilment type", "fulfillment_type=FULFILLMENT_BY_TIKTOK"),
        ("has buyer message", "has_buyer_message=1"),
        ("has refund", "has_refund=1"),
        ("needs action: overdue", "needs_action=overdue"),
        ("needs action: refund", "needs_action=refund_requested"),
        ("risk", "risk=1"),
        ("seller SKU", f"sku={line.seller_sku}"),
        ("category", f"category={line.product_category}"),
        ("product contains", "product=tumbler"),
        ("sort by total", "sort=-total"),
        ("sort by ship-by", "sort=ship_by"),
        ("200 rows", "per_page=200"),
        ("page 10", "page=10"),
    ]
    searches = [
        ("search: order id", f"q={sample.order_id}"),
        (
            "search: 3 order ids",
            "q=" + ",".join(shop_orders.order_by("-pk").values_list("order_id", flat=True)[:3]),
        ),
        ("search: tracking number", f"q={package.tracking_number}"),
        ("search: buyer name", "q=olivia"),
        ("search: product", "q=yoga mat"),
    ]
    return cases + searches


def _deep_cursor(user: User, depth: int) -> str:
    filterset, _ = order_filterset(user=user, query=QueryDict())
    row = sort_queryset(filterset.qs, "-created")[depth : depth + 1].get()
    return cursor_for(row, "-created")


def benchmark_list(*, user: User, repeat: int, deep: int) -> list[Timing]:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    cases = list_cases(user)
    cases.append((f"deep page (row {deep:,}, cursor)", f"cursor={_deep_cursor(user, deep)}"))
    results = []
    for name, query in cases:

        def page(query=query):
            response = client.get(f"/orders/?{query}")
            assert response.status_code == 200, (query, response.status_code)

        params = QueryDict(query)
        filterset, _ = order_filterset(user=user, query=params)
        rows = sort_queryset(filterset.qs, params.get("sort", "-created"))
        per_page = int(params.get("per_page", 25))
        offset = deep if "cursor" in params else (int(params.get("page", 1)) - 1) * per_page
        try:
            sql, sql_params = rows[offset : offset + per_page].query.sql_with_params()
        except EmptyResultSet:  # no row can match (no order needs that action): no SQL to run
            sql, sql_params = None, None

        def raw(sql=sql, sql_params=sql_params):
            if sql is None:
                return
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                cursor.fetchall()

        def naive(rows=rows, number=offset // per_page + 1, per_page=per_page):
            paginator = Paginator(rows.select_related("shop"), per_page)
            list(paginator.page(min(number, paginator.num_pages)).object_list)

        with CountQueries() as counter:
            page()
        results.append(
            Timing(
                name,
                query[:60],
                _measure(page, repeat),
                _measure(raw, repeat),
                _measure(naive, max(3, repeat // 3)),
                counter.count,
            )
        )
    results.append(_tab_counts(client, user, repeat))
    results.append(_filter_lists_cold(client, user, repeat))
    return results


def _filter_lists_cold(client: Client, user: User, repeat: int) -> Timing:
    """The default view with the filter bar's lists read anew (their cache emptied before each
    run), against the carriers' query alone — the part packages make slow, having no shop
    column — and a plain DISTINCT per list over the user's orders."""
    from django.core.cache import cache

    from accounts.access import shops_for_user
    from orders.selectors import filter_values

    shops = list(shops_for_user(user).values_list("pk", flat=True))
    scoped = filter_values.order_list_for_user(user=user).order_by().filter(shop_id__in=shops)
    carriers = scoped.filter(packages__shipping_provider_name__gt="").values_list(
        "shop_id", "packages__shipping_provider_name"
    )
    sql, sql_params = carriers.distinct().query.sql_with_params()

    def page():
        cache.delete_many([filter_values._key(pk) for pk in shops])
        assert client.get("/orders/").status_code == 200

    def naive():
        for column in (*filter_values.ORDER_COLUMNS.values(), "packages__shipping_provider_name"):
            list(scoped.values_list(column, flat=True).distinct())

    name = "filter lists, cold cache (default view)"
    return _timed(
        name, "lists read anew; raw = carriers query", page, (sql, sql_params), naive, repeat
    )


def _timed(name: str, query: str, page, sql, naive, repeat: int, *, raw_repeat=None) -> Timing:
    """A case timed as a whole page, its SQL alone (`sql`: text and parameters) and `naive`."""

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(*sql)
            cursor.fetchall()

    with CountQueries() as counter:
        page()
    return Timing(
        name,
        query,
        _measure(page, repeat),
        _measure(raw, raw_repeat or repeat),
        _measure(naive, max(3, repeat // 3)),
        counter.count,
    )


def _tab_counts(client: Client, user: User, repeat: int) -> Timing:
    """/orders/counts/ (capped counts) against exact counts: one GROUP BY, or one COUNT(*)
    per tab as a typical implementation does."""
    filterset, _ = order_filterset(user=user, query=QueryDict())
    grouped = filterset.qs.order_by().values("status").annotate(n=Count("pk"))
    sql, sql_params = grouped.query.sql_with_params()

    def counts():
        assert client.get("/orders/counts/").status_code == 200

    def naive():
        for status in OrderStatus:
            filterset.qs.filter(status=status).count()

    name = "tab counts (all tabs + counters)"
    raw_repeat = max(3, repeat // 3)
    return _timed(
        name, "/orders/counts/", counts, (sql, sql_params), naive, repeat, raw_repeat=raw_repeat
    )


class CountQueries:
    def __enter__(self):
        self.count = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def render_markdown(timings: list[Timing], *, orders: int) -> str:
    lines = [
        f"Order list on {orders:,} orders (PostgreSQL). Times in ms, p50 / p95.",
        "",
        "| case | page (server) | raw SQL of the rows | naive Django | page ÷ naive (p95) "
        "| queries |",
        "|---|---|---|---|---|---|",
    ]
    for t in timings:
        ratio = t.page_ms[1] / t.naive_ms[1] if t.naive_ms[1] else 0
        lines.append(
            f"| {t.name} | {t.page_ms[0]:.1f} / {t.page_ms[1]:.1f} | "
            f"{t.raw_ms[0]:.1f} / {t.raw_ms[1]:.1f} | {t.naive_ms[0]:.1f} / {t.naive_ms[1]:.1f} "
            f"| {ratio:.2f} | {t.queries} |"
        )
    return "\n".join(lines)


def benchmark_detail(*, user: User, repeat: int) -> list[Timing]:
    """The detail page for a simple and a busy order, against fetching the same rows raw."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    orders = Order.objects.filter(shop__memberships__user=user)
    simple = orders.filter(status="AWAITING_SHIPMENT").order_by("-pk").first()
    busy = (
        orders.filter(status="COMPLETED").annotate(n=Count("events")).order_by("-n", "-pk").first()
    )
    results = []
    for name, order in (("detail: new order", simple), ("detail: busiest order", busy)):

        def page(order=order):
            assert client.get(f"/orders/{order.order_id}/").status_code == 200

        def raw(order=order):
            with connection.cursor() as cursor:
                for table in ("orders_orderline", "orders_package", "orders_orderevent"):
                    sql = f"SELECT * FROM {table} WHERE order_id = %s"  # noqa: S608 - constants
                    cursor.execute(sql, [order.pk])
                    cursor.fetchall()

        def naive(order=order):  # the lazy-loading detail a typical project writes
            fresh = Order.objects.get(pk=order.pk)
            str(fresh.shop)
            for line in fresh.lines.all():
                str(line.package)
            for package in fresh.packages.all():
                list(package.checkpoints.all())
            for event in fresh.events.all():
                str(event.actor)

        with CountQueries() as counter:
            page()
        results.append(
            Timing(
                name,
                order.order_id,
                _measure(page, repeat),
                _measure(raw, repeat),
                _measure(naive, repeat),
                counter.count,
            )
        )
    return results
