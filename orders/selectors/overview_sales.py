"""The overview tile's sales: today and this week against the same days of last week.

Days are the shop's own (its zone), money its currency; every figure is the insights page's
(`orders.selectors.sales.sales_figures`, two queries a period), and each links to the order
list filtered to exactly the orders behind it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import Shop
from orders.links import created_orders_url
from orders.money import money_text, orders_text
from orders.sales_terms import KEPT_STATUSES, PAID_STATUSES
from orders.selectors.sales import SalesFigures, sales_figures
from orders.selectors.sales_types import SalesScope

DAY, WEEK = timedelta(days=1), timedelta(days=7)
# Every order that is a sale counts in "orders", cancelled ones too; net sales only the kept.


@dataclass(frozen=True)
class Figure:
    """One number of the tile, last week's beside it, each a link to its orders."""

    value: str
    url: str
    base: str
    base_url: str
    change: str  # "+12% on last week", "— no sales last week"
    trend: str  # up, down or flat: how the change is coloured


@dataclass(frozen=True)
class SalesRow:
    label: str  # Today, This week
    days: str  # "Wed, Dec 2" or "Mon, Nov 30 – Wed, Dec 2"
    base_days: str
    net_sales: Figure
    orders: Figure

    @property
    def figures(self) -> tuple[Figure, Figure]:
        return self.net_sales, self.orders


@dataclass(frozen=True)
class ShopSales:
    currency: str
    rows: tuple[SalesRow, ...]
    insights_url: str


def _days(first: date, last: date) -> str:
    one = lambda day: f"{day:%a, %b} {day.day}"  # noqa: E731
    return one(first) if first == last else f"{one(first)} – {one(last)}"


def _list_url(shop: Shop, statuses, first: date, last: date) -> str:
    return created_orders_url(first=first, last=last, statuses=statuses, shop_slug=shop.slug)


def _change(now, base, nothing: str) -> tuple[str, str]:
    """The change in % of last week's value; a sentence instead when last week had none."""
    if not base:
        return f"— no {nothing} last week", "flat"
    percent = (Decimal(now) - Decimal(base)) / abs(Decimal(base)) * 100
    shown = f"{percent:+.0f}%"
    if shown in ("+0%", "-0%"):
        return "same as last week", "flat"
    return f"{shown} on last week", "up" if percent > 0 else "down"


def _orders(n: int, currency: str) -> str:
    return orders_text(n)


def _figure(shop: Shop, key: str, first: date, last: date, now, base) -> Figure:
    """Net sales (of the kept orders) or orders (every paid one), this time and last week."""
    statuses, shown, nothing = (
        (PAID_STATUSES, _orders, "orders")
        if key == "orders"
        else (KEPT_STATUSES, money_text, "sales")
    )
    value, before = getattr(now, key), getattr(base, key)
    change, trend = _change(value, before, nothing)
    return Figure(
        value=shown(value, shop.currency),
        url=_list_url(shop, statuses, first, last),
        base=shown(before, shop.currency),
        base_url=_list_url(shop, statuses, first - WEEK, last - WEEK),
        change=change,
        trend=trend,
    )


def _row(shop: Shop, label: str, first: date, last: date, now, base) -> SalesRow:
    return SalesRow(
        label=label,
        days=_days(first, last),
        base_days=_days(first - WEEK, last - WEEK),
        net_sales=_figure(shop, "net_sales", first, last, now, base),
        orders=_figure(shop, "orders", first, last, now, base),
    )


def shop_sales(*, orders: QuerySet, shop: Shop, now: datetime) -> ShopSales:
    """Today and this week (Monday to today) in the shop's zone, against the same days a week
    earlier: four periods, two queries each, whatever the number of orders."""
    scope = SalesScope(orders=orders, shops=(shop,), currency=shop.currency, filters=frozenset())
    today = now.astimezone(shop.zone).date()
    monday = today - timedelta(days=today.weekday())
    known: dict[tuple[date, date], SalesFigures] = {}

    def figures(first: date, last: date) -> SalesFigures:  # on a Monday the week is today
        if (first, last) not in known:
            known[first, last] = sales_figures(scope, first, last + DAY)
        return known[first, last]

    rows = tuple(
        _row(shop, label, first, today, figures(first, today), figures(first - WEEK, today - WEEK))
        for label, first in (("Today", today), ("This week", monday))
    )
    query = urlencode({"shop": shop.slug, "period": "last_7_days"})
    return ShopSales(
        currency=shop.currency, rows=rows, insights_url=f"{reverse('insights:page')}?{query}"
    )
