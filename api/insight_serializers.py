"""The insights figures as the API gives them: each figure of the page with its value as a
number in a string (money in the currency, a rate as a fraction), the page's words for it,
the change, and the order lists behind it (the page's and the API's)."""

from collections.abc import Callable

from rest_framework import serializers

from insights.figures import FIGURES, figure_raw
from insights.periods import COMPARISONS
from insights.scope import InsightRequest


class SpanSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="e.g. “Last month”, “Previous period”.")
    first = serializers.DateField()
    last = serializers.DateField()


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "money", "rate"])
    how = serializers.CharField(help_text="How it is counted, as the page says.")
    value = serializers.CharField(
        allow_null=True, help_text="A decimal number (a rate as a fraction); null: none."
    )
    value_text = serializers.CharField(help_text="As the page shows it: “$1,234.50”, “4.2%”.")
    comparison = serializers.CharField(allow_null=True)
    comparison_text = serializers.CharField(allow_null=True)
    change = serializers.CharField(allow_null=True, help_text="“+12.5%”, “-1.0 pts”, or “—”.")
    orders_url = serializers.URLField(help_text="The order list page of the orders behind it.")
    orders_api_url = serializers.URLField(help_text="The same orders from /api/v1/orders/.")


class InsightFiguresSerializer(serializers.Serializer):
    currency = serializers.CharField()
    currencies = serializers.ListField(
        child=serializers.CharField(), help_text="Every currency of the shops; ask one by one."
    )
    shops = serializers.ListField(child=serializers.CharField(), help_text="Counted shops' slugs.")
    period = SpanSerializer()
    comparison = SpanSerializer(allow_null=True)
    figures = FigureSerializer(many=True)


def _number(value, kind: str) -> str | None:
    raw = figure_raw(value, kind)
    return None if raw == "" else str(raw)


def figures_body(
    parsed: InsightRequest, section: dict, *, absolute: Callable[[str], str], api_orders: str
) -> dict:
    """The response for the page's figures section of `parsed`; `absolute` makes a path a URL."""
    now, base = section["now"], section["base"]
    figures = []
    for figure, row in zip(FIGURES, section["rows"], strict=True):
        query = row["url"].partition("?")[2]
        figures.append(
            {
                "key": figure.key,
                "label": figure.label,
                "kind": figure.kind,
                "how": figure.how,
                "value": _number(getattr(now, figure.key), figure.kind),
                "value_text": row["value"],
                "comparison": _number(getattr(base, figure.key), figure.kind) if base else None,
                "comparison_text": row["base"],
                "change": row["change"],
                "orders_url": absolute(row["url"]),
                "orders_api_url": absolute(f"{api_orders}?{query}"),
            }
        )
    span, base_span = parsed.span, parsed.base_span
    return {
        "currency": parsed.currency,
        "currencies": parsed.currencies,
        "shops": [shop.slug for shop in parsed.sales.shops],
        "period": {"name": parsed.span_name, "first": span.first, "last": span.last},
        "comparison": {
            "name": COMPARISONS[parsed.compare],
            "first": base_span.first,
            "last": base_span.last,
        }
        if base_span
        else None,
        "figures": figures,
    }
