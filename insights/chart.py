"""The "sales over time" section: net sales and orders per day, week or month, the comparison
drawn against it bucket by bucket, the days that stand out marked; its table and CSV."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from insights.anomalies import ORDERS, sales_days, standout_days
from insights.buckets import BUCKETS, aligned, bucket_for, buckets
from insights.chart_svg import drawing
from insights.figures import list_link
from insights.periods import Span
from insights.scope import InsightRequest
from orders.money import money_text, orders_text
from orders.selectors.sales_days import sales_per_day

DAY = timedelta(days=1)
WHOLE = {"week": "week", "month": "month"}


def bucket_label(span: Span, bucket: str, partial: bool) -> str:
    if bucket == "month" and not partial:
        return f"{span.first:%B %Y}"
    if partial:
        return f"{span} (part of the {WHOLE[bucket]})"
    return str(span)


def _sum(days: dict, span: Span | None) -> tuple[int, object]:
    orders, net = 0, Decimal("0.00")
    day = span.first if span else None
    while span and day < span.after:
        n, amount = days.get(day, (0, 0))
        orders, net = orders + n, net + amount
        day += DAY
    return orders, net


def _switch(parsed: InsightRequest, current: str) -> list[dict]:
    own = [(k, v) for k, v in parsed.query.items() if v and k != "bucket"]
    base = parsed.filter_pairs + own
    page = reverse("insights:page")
    return [
        {
            "code": code,
            "label": label,
            "current": code == current,
            "url": f"{page}?{urlencode(base + [('bucket', code)])}",
        }
        for code, label in BUCKETS.items()
    ]


def _rows(parsed, bucket, days, base_days) -> list[dict]:
    span, base_span, currency = parsed.span, parsed.base_span, parsed.currency
    cut = buckets(span, bucket)
    against = aligned(span, cut, base_span, bucket) if base_span else [None] * len(cut)
    marks = standout_days(parsed)
    rows = []
    for b, base in zip(cut, against, strict=True):
        orders, net = _sum(days, b.span)
        row = {
            "bucket": b,
            "label": bucket_label(b.span, bucket, b.partial),
            "orders": orders,
            "net": net,
            "orders_text": orders_text(orders),
            "net_text": money_text(net, currency),
            "url": list_link(ORDERS, b.span, parsed.filters, parsed.shop_slug),
            "standouts": [s for s in marks if b.first <= s.day < b.after],
            "base": base,
        }
        name = f"{row['label']}: {row['orders_text']}, {row['net_text']}"
        if base:
            row["base_orders"], row["base_net"] = _sum(base_days, base)
            row["base_label"] = str(base)
            row["base_orders_text"] = orders_text(row["base_orders"])
            row["base_net_text"] = money_text(row["base_net"], currency)
            row["base_url"] = list_link(ORDERS, base, parsed.filters, parsed.shop_slug)
            name += f"; {base}: {row['base_orders_text']}, {row['base_net_text']}"
        if row["standouts"]:
            name += "; stands out"
        row["name"] = name
        rows.append(row)
    return rows


def _left_out(base_span: Span | None, rows: list[dict]) -> int:
    """Days of the comparison no bucket is drawn against (it is longer than the period)."""
    if not base_span:
        return 0
    drawn = sum((r["base"].after - r["base"].first).days for r in rows if r["base"])
    return (base_span.after - base_span.first).days - drawn


def sales_chart_section(parsed: InsightRequest) -> dict:
    """The chart's buckets with their numbers, links and accessible names, and its drawing."""
    span, base_span = parsed.span, parsed.base_span
    bucket, note = bucket_for(span, parsed.query.get("bucket", ""))
    days = sales_days(parsed)
    base_days = days
    if base_span and base_span.after != span.first:  # not the previous period: its own query
        rows = sales_per_day(parsed.sales, base_span.first, base_span.after)
        base_days = {r.day: (r.orders, r.net_sales) for r in rows}
    rows = _rows(parsed, bucket, days, base_days)
    total = _sum(days, span)
    base_total = _sum(base_days, base_span) if base_span else None
    return {
        "bucket": bucket,
        "note": note,
        "left_out": _left_out(base_span, rows),
        "switch": _switch(parsed, bucket),
        "rows": rows,
        "total": {"orders": orders_text(total[0]), "net": money_text(total[1], parsed.currency)},
        "base_total": base_total
        and {
            "orders": orders_text(base_total[0]),
            "net": money_text(base_total[1], parsed.currency),
        },
        "svg": drawing(rows, bucket, parsed.currency, with_base=bool(base_span)),
        "has_partial": any(r["bucket"].partial for r in rows),
        "has_standouts": any(r["standouts"] for r in rows),
    }


def sales_chart_table(context: dict) -> tuple[list[str], list[list]]:
    header = [
        "bucket start",
        "bucket end",
        "orders",
        "net sales",
        "comparison orders",
        "comparison net sales",
        "comparison start",
        "comparison end",
    ]
    rows = []
    for row in context["rows"]:
        base = row["base"]
        rows.append(
            [
                row["bucket"].first.isoformat(),
                row["bucket"].span.last.isoformat(),
                row["orders"],
                row["net"],
                row.get("base_orders", ""),
                row.get("base_net", ""),
                base.first.isoformat() if base else "",
                base.last.isoformat() if base else "",
            ]
        )
    return header, rows
