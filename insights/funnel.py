"""The "Status funnel" section: the period's paid orders, then how many are shipped,
delivered and completed by now, each as a share of the paid ones; the cancelled apart."""

from insights.bars import bar, compared, share
from insights.links import order_list_url
from insights.scope import InsightRequest
from orders.selectors.sales_breakdown import FUNNEL_STATUSES, status_funnel


def funnel_section(parsed: InsightRequest) -> dict:
    scope, span, base_span = parsed.sales, parsed.span, parsed.base_span
    steps = status_funnel(scope, span.first, span.after)
    base = {}
    if base_span:
        base = {s.code: s for s in status_funnel(scope, base_span.first, base_span.after)}
    paid = steps[0].orders

    def link(step, days):
        statuses = FUNNEL_STATUSES[step.code]
        return order_list_url(days, parsed.filters, parsed.shop_slug, statuses)

    rows = []
    for step in steps:
        row = {
            "step": step,
            "url": link(step, span) if step.orders else None,
            "share": share(step.orders, paid),
            "bar": bar(step.orders, paid),
        }
        if base_span:
            then = base[step.code]
            url = link(then, base_span) if then.orders else None
            row.update(compared(step.orders, then.orders, "count", parsed.currency, url))
            row["base_value"] = then.orders
        rows.append(row)
    return {
        "flow": rows[:-1],
        "cancelled": rows[-1],
        "paid": paid,
        "compared": bool(base_span),
    }


def funnel_table(context: dict) -> tuple[list[str], list[list]]:
    header = ["step", "orders", "share_of_paid"]
    header += ["comparison_orders"] if context["compared"] else []
    rows = []
    if not context["paid"]:
        return header, rows
    for row in [*context["flow"], context["cancelled"]]:
        step = row["step"]
        fraction = round(step.orders / context["paid"], 4)
        cells = [step.label, step.orders, fraction]
        if context["compared"]:
            cells.append(row["base_value"])
        rows.append(cells)
    return header, rows
