"""The page's rows: each figure for the period and the comparison, the change, how it is
counted, and a link to the order list filtered to the orders behind it."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from insights.links import order_list_url
from insights.periods import Span
from insights.scope import InsightRequest
from orders.money import money_text
from orders.sales_terms import KEPT_STATUSES, PAID_STATUSES
from orders.selectors.sales import SalesFigures, sales_figures
from orders.statuses import OrderStatus

KEPT_NOTE = "Paid orders created in the period and not cancelled"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # count, money or rate
    how: str
    statuses: tuple = KEPT_STATUSES
    extra: tuple = ()  # further list parameters, e.g. (("has_refund", "1"),)


FIGURES = (
    Figure(
        "orders",
        "Orders",
        "count",
        "Paid orders created in the period, cancelled ones included (unpaid orders are not sales).",
        statuses=PAID_STATUSES,
    ),
    Figure("units", "Units", "count", f"Items in the order lines. {KEPT_NOTE}."),
    Figure(
        "gross_sales",
        "Gross sales",
        "money",
        f"Product prices before any discount (TikTok's original total product price). {KEPT_NOTE}.",
    ),
    Figure(
        "seller_discounts",
        "Seller discounts",
        "money",
        f"Discounts you fund, on products and on shipping. {KEPT_NOTE}.",
    ),
    Figure(
        "platform_discounts",
        "Platform discounts",
        "money",
        f"Discounts TikTok funds, on products and on shipping. {KEPT_NOTE}.",
    ),
    Figure(
        "shipping",
        "Shipping",
        "money",
        f"What buyers paid for shipping, after shipping discounts. {KEPT_NOTE}.",
    ),
    Figure("taxes", "Taxes", "money", f"Tax and retail delivery fees. {KEPT_NOTE}."),
    Figure(
        "refunds",
        "Refunds",
        "money",
        f"Money refunded to buyers, shipping refunds included. {KEPT_NOTE}.",
        extra=(("has_refund", "1"),),
    ),
    Figure(
        "net_sales",
        "Net sales",
        "money",
        "Gross sales less seller and platform "
        "discounts and refunds: what buyers paid for the products and kept paid.",
    ),
    Figure(
        "average_order_value",
        "Average order value",
        "money",
        "Net sales divided by the orders not cancelled.",
    ),
    Figure(
        "cancellation_rate",
        "Cancellation rate",
        "rate",
        "Cancelled orders out of all paid orders created in the period.",
        statuses=(OrderStatus.CANCELLED,),
    ),
    Figure(
        "return_rate",
        "Return rate",
        "rate",
        "Orders with a refund asked for or a return request, out of the orders not cancelled.",
        extra=(("refund_or_return", "1"),),
    ),
    Figure(
        "late_rate",
        "Shipped late",
        "rate",
        "Orders shipped (handed to the carrier) after "
        "their ship-by time, out of the orders shipped that had one.",
        extra=(("shipped_late", "1"),),
    ),
)


def shown(value, kind: str, currency: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return money_text(value, currency)
    if kind == "rate":
        return f"{value * 100:.1f}%"
    return intcomma(value)


def change(now, base, kind: str) -> str:
    """The change in % of the base (percentage points for rates); — when the base is 0."""
    if now is None or base is None:
        return "—"
    if kind == "rate":
        points = (now - base) * 100
        return f"{points:+.1f}\u00a0pts"
    if not base:
        return "—"
    percent = (Decimal(now) - Decimal(base)) / Decimal(base) * 100
    return f"{percent:+.1f}%"


def list_link(figure: Figure, span: Span, filters, shop_slug: str | None) -> str:
    """The order list showing the orders behind `figure` in `span`, the page's filters kept."""
    return order_list_url(span, filters, shop_slug, figure.statuses, figure.extra)


def figure_rows(
    *,
    now: SalesFigures,
    base: SalesFigures | None,
    span: Span,
    base_span: Span | None,
    currency: str,
    filters,
    shop_slug: str | None,
) -> list[dict]:
    rows = []
    for figure in FIGURES:
        value = getattr(now, figure.key)
        before = getattr(base, figure.key) if base else None
        rows.append(
            {
                "figure": figure,
                "value": shown(value, figure.kind, currency),
                "url": list_link(figure, span, filters, shop_slug),
                "base": shown(before, figure.kind, currency) if base else None,
                "base_url": list_link(figure, base_span, filters, shop_slug) if base else None,
                "change": change(value, before, figure.kind) if base else None,
            }
        )
    return rows


def figures_section(parsed: InsightRequest) -> dict:
    """Every figure of the period and of the comparison, each with its list links."""
    scope, span, base_span = parsed.sales, parsed.span, parsed.base_span
    now = sales_figures(scope, span.first, span.after)
    base = sales_figures(scope, base_span.first, base_span.after) if base_span else None
    rows = figure_rows(
        now=now,
        base=base,
        span=span,
        base_span=base_span,
        currency=parsed.currency,
        filters=parsed.filters,
        shop_slug=parsed.shop_slug,
    )
    return {"rows": rows, "now": now, "base": base}


def figure_raw(value, kind: str):
    """A figure as a CSV cell: amounts and counts as numbers, rates as a fraction."""
    if value is None:
        return ""
    return round(value, 4) if kind == "rate" else value


def figures_table(context: dict) -> tuple[list[str], list[list]]:
    now, base = context["now"], context["base"]
    header = ["figure", "period"] + (["comparison"] if base else [])
    rows = []
    for figure in FIGURES:
        row = [figure.label, figure_raw(getattr(now, figure.key), figure.kind)]
        if base:
            row.append(figure_raw(getattr(base, figure.key), figure.kind))
        rows.append(row)
    return header, rows
