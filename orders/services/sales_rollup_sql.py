"""The statements that compute the daily sales roll-ups of a shop's orders created in a window
of time: one INSERT … SELECT per roll-up table, on PostgreSQL and SQLite alike.

Each paid order is first read as one row of what it adds to its day (`_order_rows`: 1 for an
order, 0 or 1 for each count, its amounts if kept, else 0); `SalesDay` sums those rows per day
and destination, `SalesDaySku` per day, destination and each value (SKU ID or seller SKU) the
order's lines carry, so that an order counts once for each value the `sku` filter may name.
`SkuDay` sums the kept orders' lines per SKU, `SkuDayRegion` per SKU and destination,
`SkuDayWith` per SKU and value of the order's lines. The definitions are
orders/selectors/sales.py's.
"""

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Shop
from orders.models import (
    Order,
    OrderLine,
    SalesDay,
    SalesDaySku,
    SkuDay,
    SkuDayRegion,
    SkuDayWith,
)
from orders.sales_terms import (
    CANCELLED,
    FUNNEL,
    KEPT_STATUSES,
    LATE,
    NET_SALES,
    RETURNED,
    SHIPPED,
)
from orders.statuses import OrderStatus

KEPT = ~CANCELLED
AMOUNT = DecimalField(max_digits=18, decimal_places=2)
# The money columns: roll-up column → the order's field, for kept orders.
MONEY = {
    "gross_sales": "original_total_product_price",
    "seller_discount": "seller_discount",
    "shipping_fee_seller_discount": "shipping_fee_seller_discount",
    "platform_discount": "platform_discount",
    "shipping_fee_platform_discount": "shipping_fee_platform_discount",
    "shipping": "shipping_fee",
    "tax": "tax",
    "retail_delivery_fee": "retail_delivery_fee",
    "refunds": "refunded_amount",
}
# The funnel's steps after "paid", as roll-up columns.
FUNNEL_COLUMNS = {
    f"funnel_{code}": statuses
    for code, _, statuses in FUNNEL
    if code in ("shipped", "delivered", "completed")
}
KEYS = {"shop_id": "k_shop", "day": "k_day", "currency": "k_currency"}
DESTINATION = {"region_code": "k_region", "state": "k_state"}
# Summed per group; `orders` is the number of rows.
SUMMED = (
    "cancelled",
    "units",
    *MONEY,
    "net_sales",
    "returned",
    "shipped",
    "shipped_late",
    *FUNNEL_COLUMNS,
)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _kept(amount) -> Case:
    return Case(When(KEPT, then=amount), default=Value(0), output_field=AMOUNT)


def _paid(shop: Shop, window: Q) -> QuerySet:
    return Order.objects.filter(window, shop=shop).exclude(status=OrderStatus.UNPAID)


def _order_rows(shop: Shop, window: Q) -> QuerySet:
    """One row per paid order of the window: its keys and what it adds to each column."""
    line_units = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    units = Coalesce(Subquery(line_units, output_field=IntegerField()), Value(0))
    return (
        _paid(shop, window)
        .annotate(
            r_id=F("pk"),
            k_shop=F("shop_id"),
            k_day=TruncDate("create_time", tzinfo=shop.zone),
            k_currency=F("currency"),
            k_region=F("region_code"),
            k_state=F("state"),
            c_cancelled=_flag(CANCELLED),
            c_units=Case(When(KEPT, then=units), default=Value(0), output_field=IntegerField()),
            **{f"c_{column}": _kept(F(field)) for column, field in MONEY.items()},
            c_net_sales=_kept(NET_SALES),
            c_returned=_flag(KEPT & RETURNED),
            c_shipped=_flag(KEPT & SHIPPED),
            c_shipped_late=_flag(KEPT & LATE),
            **{f"c_{column}": _flag(Q(status__in=s)) for column, s in FUNNEL_COLUMNS.items()},
        )
        .values("r_id", *KEYS.values(), *DESTINATION.values(), *(f"c_{c}" for c in SUMMED))
        .order_by()
    )


def _values(shop: Shop, window: Q) -> QuerySet:
    """(order, value) once for each SKU ID and seller SKU of the window's paid orders' lines."""
    lines = OrderLine.objects.filter(order__in=_paid(shop, window).values("pk"))
    by_column = [
        lines.exclude(**{column: ""})
        .annotate(p_order=F("order_id"), p_value=F(column))
        .values("p_order", "p_value")
        .order_by()
        for column in ("sku_id", "seller_sku")
    ]
    return by_column[0].union(by_column[1])


def _sums(model, keys: dict[str, str]) -> tuple[str, str, str]:
    """The target columns, the summing select list and the GROUP BY of a totals table."""
    quote = connection.ops.quote_name
    targets = [*keys, "orders", *SUMMED]
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in targets)
    selected = ", ".join(
        [*keys.values(), "COUNT(*)", *(f"SUM(o.{quote('c_' + c)})" for c in SUMMED)]
    )
    return columns, selected, ", ".join(keys.values())


def _execute(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rollups_insert(shop: Shop, window: Q) -> None:
    """Insert the roll-ups of the shop's paid orders created in `window` (whose rows the caller
    deleted): one statement per table, whatever the number of orders."""
    quote = connection.ops.quote_name
    rows_sql, rows_params = _order_rows(shop, window).query.sql_with_params()
    keys = {name: f"o.{quote(alias)}" for name, alias in {**KEYS, **DESTINATION}.items()}
    columns, selected, grouped = _sums(SalesDay, keys)
    _execute(
        f"INSERT INTO {quote(SalesDay._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {selected} FROM ({rows_sql}) o GROUP BY {grouped}",
        rows_params,
    )
    values_sql, values_params = _values(shop, window).query.sql_with_params()
    keys["value"] = f"p.{quote('p_value')}"
    columns, selected, grouped = _sums(SalesDaySku, keys)
    _execute(
        f"INSERT INTO {quote(SalesDaySku._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {selected} FROM ({rows_sql}) o JOIN ({values_sql}) p "
        f"ON p.{quote('p_order')} = o.{quote('r_id')} GROUP BY {grouped}",
        (*rows_params, *values_params),
    )
    _insert_lines(shop, window)


LINE_KEYS = {"shop_id": "k_shop", "day": "k_day", "currency": "k_currency"}
LINE_SKU = {"sku_id": "k_sku", "product_id": "k_product"}
# roll-up column → (aggregate, the line's column)
LINE_SUMS = {
    "units": ("SUM", "quantity"),
    "sales": ("SUM", "subtotal_after_discount"),
    "refunded_units": ("SUM", "returned_quantity"),
    "product_name": ("MAX", "product_name"),
    "variation": ("MAX", "variation"),
    "seller_sku": ("MAX", "seller_sku"),
}


def _line_rows(shop: Shop, window: Q) -> QuerySet:
    """One row per line of the window's kept paid orders, with its order's keys."""
    return (
        OrderLine.objects.filter(
            order__in=_paid(shop, window).filter(status__in=KEPT_STATUSES).values("pk")
        )
        .annotate(
            k_order=F("order_id"),
            k_shop=F("order__shop_id"),
            k_day=TruncDate("order__create_time", tzinfo=shop.zone),
            k_currency=F("order__currency"),
            k_region=F("order__region_code"),
            k_state=F("order__state"),
            k_sku=F("sku_id"),
            k_product=F("product_id"),
            **{f"c_{column}": F(field) for column, (_, field) in LINE_SUMS.items()},
        )
        .values(
            "k_order",
            *LINE_KEYS.values(),
            *DESTINATION.values(),
            *LINE_SKU.values(),
            *(f"c_{column}" for column in LINE_SUMS),
        )
        .order_by()
    )


def _insert_lines(shop: Shop, window: Q) -> None:
    """SkuDay, SkuDayRegion and SkuDayWith: the kept lines summed per SKU and day, by
    destination too, and per value (SKU ID or seller SKU) of the order's lines."""
    quote = connection.ops.quote_name
    rows_sql, rows_params = _line_rows(shop, window).query.sql_with_params()
    values_sql, values_params = _values(shop, window).query.sql_with_params()
    joined = f"({rows_sql}) o JOIN ({values_sql}) p ON p.{quote('p_order')} = o.{quote('k_order')}"
    for model, extra, source, params in (
        (SkuDay, {}, f"({rows_sql}) o", rows_params),
        (SkuDayRegion, DESTINATION, f"({rows_sql}) o", rows_params),
        (SkuDayWith, {"value": None}, joined, (*rows_params, *values_params)),
    ):
        keys = {
            name: f"p.{quote('p_value')}" if alias is None else f"o.{quote(alias)}"
            for name, alias in {**LINE_KEYS, **extra, **LINE_SKU}.items()
        }
        targets = [*keys, *LINE_SUMS]
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in targets)
        selected = ", ".join(
            [
                *keys.values(),
                *(f"{how}(o.{quote('c_' + column)})" for column, (how, _) in LINE_SUMS.items()),
            ]
        )
        _execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {selected} FROM {source} GROUP BY {', '.join(keys.values())}",
            params,
        )
