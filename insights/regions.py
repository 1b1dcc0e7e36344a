"""The "Sales by region" section: every destination of the period's orders by net sales, as
a table with bars (docs/decisions.md says why no map), each linking to its orders."""

from insights.bars import bar, compared
from insights.figures import shown
from insights.links import order_list_url
from insights.scope import InsightRequest
from orders.money import to_money
from orders.sales_terms import PAID_STATUSES
from orders.selectors.filter_values import value_label
from orders.selectors.sales_breakdown import sales_by_region
from orders.selectors.sales_types import RegionTotals


def region_words(region: RegionTotals) -> tuple[str, str]:
    """(state, country) as a person reads them: the state as the order holds it, the country
    by its name."""
    state = region.state or "No state given"
    country = value_label("country", region.region_code) if region.region_code else "—"
    return state, country


def _link(region: RegionTotals, span, parsed: InsightRequest) -> str:
    # Without a stored state the link is the country's orders, of every state (docs/insights.md).
    extra = [("country", region.region_code)] if region.region_code else []
    extra += [("state", region.state)] if region.state else []
    return order_list_url(span, parsed.filters, parsed.shop_slug, PAID_STATUSES, extra)


def regions_section(parsed: InsightRequest) -> dict:
    """The period's destinations; with a comparison, its value for each, and the comparison's
    destinations that had no order in the period after them (a region gone quiet)."""
    scope, span, base_span = parsed.sales, parsed.span, parsed.base_span
    regions = sales_by_region(scope, span.first, span.after)
    base = {}
    if base_span and regions:
        found = sales_by_region(scope, base_span.first, base_span.after)
        base = {(r.region_code, r.state): r for r in found}
        seen = {(r.region_code, r.state) for r in regions}
        regions += [
            RegionTotals(r.region_code, r.state, 0, to_money(0))
            for r in found
            if (r.region_code, r.state) not in seen
        ]
    top = max((r.net_sales for r in regions), default=0)
    rows = []
    for region in regions:
        state, country = region_words(region)
        row = {
            "region": region,
            "state": state,
            "country": country,
            "url": _link(region, span, parsed) if region.orders else None,
            "net_sales": shown(region.net_sales, "money", parsed.currency),
            "bar": bar(region.net_sales, top),
        }
        if base_span:
            then = base.get((region.region_code, region.state))
            before = then.net_sales if then else to_money(0)
            url = _link(region, base_span, parsed) if then else None
            row.update(compared(region.net_sales, before, "money", parsed.currency, url))
            row["base_value"], row["base_orders"] = before, then.orders if then else 0
        rows.append(row)
    return {"rows": rows, "compared": bool(base_span)}


def regions_table(context: dict) -> tuple[list[str], list[list]]:
    header = ["region_code", "country", "state", "orders", "net_sales"]
    if context["compared"]:
        header += ["comparison_orders", "comparison_net_sales"]
    rows = []
    for row in context["rows"]:
        region = row["region"]
        cells = [region.region_code, row["country"], region.state, region.orders]
        cells.append(region.net_sales)
        if context["compared"]:
            cells += [row["base_orders"], row["base_value"]]
        rows.append(cells)
    return header, rows
