"""The "Top products" and "Top SKUs" sections: the ten best-selling of the period by sales,
their units and refunded units, each linking to the order list's orders with it."""

from dataclasses import dataclass

from insights.bars import bar, compared
from insights.figures import shown
from insights.links import order_list_url
from insights.scope import InsightRequest
from orders.filters.filterset import OrderFilterSet
from orders.money import to_money
from orders.sales_terms import KEPT_STATUSES
from orders.selectors.sales_breakdown import top_lines
from orders.selectors.sales_types import LineTotals

# The longest value the order list's `product` filter takes.
PRODUCT_FILTER_LENGTH = OrderFilterSet.base_filters["product"].extra["max_length"]


@dataclass(frozen=True)
class TopLines:
    noun: str  # "product" or "SKU", in the table's head and its sentences
    list_param: str  # the order list's filter a row links with
    key_header: str  # the CSV's first column

    def list_value(self, line: LineTotals) -> str:
        # The list has no product-ID filter: a product's rows link by its name, "contains"
        # (as much of it as the filter takes, which still contains the rest).
        return line.key if self.list_param == "sku" else line.name[:PRODUCT_FILTER_LENGTH]


PRODUCTS = TopLines("product", "product", "product_id")
SKUS = TopLines("SKU", "sku", "sku_id")


def _link(kind: TopLines, line: LineTotals, span, parsed: InsightRequest) -> str:
    extra = [(kind.list_param, kind.list_value(line))]
    return order_list_url(span, parsed.filters, parsed.shop_slug, KEPT_STATUSES, extra)


def _both(parsed: InsightRequest) -> dict:
    """For each kind, the period's top lines and the comparison's lines of the same keys: the
    SKUs and the products read together (once per request, for both sections)."""
    found = vars(parsed).get("_top_lines")
    if found is None:
        scope, span, base_span = parsed.sales, parsed.span, parsed.base_span
        skus, products = top_lines(scope, span.first, span.after)
        base_skus, base_products = [], []
        if base_span and (skus or products):
            base_skus, base_products = top_lines(
                scope,
                base_span.first,
                base_span.after,
                None,
                sku_keys=[line.key for line in skus],
                product_keys=[line.key for line in products],
            )
        found = {
            SKUS: (skus, {line.key: line for line in base_skus}),
            PRODUCTS: (products, {line.key: line for line in base_products}),
        }
        vars(parsed)["_top_lines"] = found
    return found


def lines_section(kind: TopLines, parsed: InsightRequest) -> dict:
    """The period's top lines and, for the same keys, the comparison's sales."""
    span, base_span = parsed.span, parsed.base_span
    lines, base = _both(parsed)[kind]
    top = max((line.sales for line in lines), default=0)
    rows = []
    for line in lines:
        row = {
            "line": line,
            "url": _link(kind, line, span, parsed),
            "sales": shown(line.sales, "money", parsed.currency),
            "bar": bar(line.sales, top),
        }
        if base_span:
            before = base[line.key].sales if line.key in base else to_money(0)
            url = _link(kind, line, base_span, parsed) if line.key in base else None
            row.update(compared(line.sales, before, "money", parsed.currency, url))
            row["base_value"] = before
        rows.append(row)
    return {"kind": kind, "rows": rows, "compared": bool(base_span)}


def lines_table(context: dict) -> tuple[list[str], list[list]]:
    kind = context["kind"]
    named = kind.list_param == "sku"
    header = [kind.key_header, kind.noun.lower()] + (["seller_sku"] if named else [])
    header += ["units", "refunded_units", "sales"]
    header += ["comparison_sales"] if context["compared"] else []
    rows = []
    for row in context["rows"]:
        line = row["line"]
        cells = [line.key, line.name] + ([line.seller_sku] if named else [])
        cells += [line.units, line.refunded_units, line.sales]
        if context["compared"]:
            cells.append(row["base_value"])
        rows.append(cells)
    return header, rows
