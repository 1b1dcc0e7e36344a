"""The monthly sales roll-ups (orders/models/sales_months.py), computed from the daily ones.

A month's rows are the daily rows of its local days summed per the daily table's keys (its
unique constraint's fields but the day): amounts and counts by SUM, the greatest product name,
variation and seller SKU by MAX (the greatest over days is the greatest over lines). They are
recomputed, in the caller's transaction and under its lock, right after the daily rows of any
of their days: by a recompute after commit, the sweep, and a rebuild
(orders/services/sales_rollups.py), one INSERT … SELECT per table and month.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection, models
from django.db.models import F

from accounts.models import Shop
from orders.models.sales_months import MONTHLY
from orders.periods import add_months

MONTH_TABLES = tuple(MONTHLY.values())


def rollup_keys(model) -> list[str]:
    """The fields that tell a roll-up's rows apart, but the day: its unique constraint's."""
    (unique,) = model._meta.constraints
    return [name for name in unique.fields if name != "day"]


def rollup_sums(model) -> dict[str, str]:
    """Each summed field of a roll-up → its aggregate: MAX for the names, else SUM."""
    keys = {*rollup_keys(model), "day"}
    return {
        field.name: "MAX" if isinstance(field, models.CharField) else "SUM"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in keys
    }


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_recompute(shop: Shop, months: Iterable[date]) -> None:
    """Compute again the shop's monthly rows of these months (their first days) from its daily
    rows, which the caller has just recomputed in its transaction."""
    months = sorted({month_of(month) for month in months})
    if not months:
        return
    for day_model, month_model in MONTHLY.items():
        month_model.objects.filter(shop=shop, day__in=months).delete()
        for first in months:
            _insert_month(day_model, month_model, shop, first)


def _insert_month(day_model, month_model, shop: Shop, first: date) -> None:
    quote = connection.ops.quote_name
    keys, sums = rollup_keys(day_model), rollup_sums(day_model)
    rows = (
        day_model.objects.filter(shop=shop, day__gte=first, day__lt=add_months(first, 1))
        .annotate(
            **{f"k_{name}": F(name) for name in keys},
            **{f"c_{name}": F(name) for name in sums},
        )
        .values(*(f"k_{name}" for name in keys), *(f"c_{name}" for name in sums))
        .order_by()
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    columns = ", ".join(
        quote(month_model._meta.get_field(name).column) for name in [*keys, "day", *sums]
    )
    grouped = ", ".join(f"o.{quote('k_' + name)}" for name in keys)
    selected = ", ".join(
        [grouped, "%s", *(f"{how}(o.{quote('c_' + name)})" for name, how in sums.items())]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(month_model._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {selected} FROM ({rows_sql}) o GROUP BY {grouped}",
            (connection.ops.adapt_datefield_value(first), *rows_params),
        )
