"""Links from the insights page to the order list showing the orders behind a number."""

from insights.periods import Span
from orders.links import created_orders_url


def order_list_url(span: Span, filters, shop_slug: str | None, statuses, extra=()) -> str:
    """The order list of `span`'s creation days with the page's filters, the statuses given,
    the shop when one is shown, and `extra` parameters (orders.links.created_orders_url)."""
    return created_orders_url(
        first=span.first,
        last=span.last,
        statuses=statuses,
        filters=filters,
        shop_slug=shop_slug,
        extra=extra,
    )
