"""Links from the insights page to the order list showing the orders behind a number."""

from urllib.parse import urlencode

from django.urls import reverse

from insights.periods import Span


def order_list_url(span: Span, filters, shop_slug: str | None, statuses, extra=()) -> str:
    """The order list of `span`'s creation days with the page's filters, the statuses given
    (within a `status` filter chosen), the shop when one is shown, and `extra` parameters,
    which replace the page's parameters of the same name (a row's `sku`, `state`, …)."""
    replaced = {"status", "shop", *(name for name, _ in extra)}
    params = [(k, v) for k, values in filters.lists() for v in values if v and k not in replaced]
    if shop_slug:
        params.append(("shop", shop_slug))
    chosen = filters.getlist("status")
    params += [("status", s) for s in statuses if not chosen or s in chosen]
    params += [
        ("date_field", "created"),
        ("date_from", span.first.isoformat()),
        ("date_to", span.last.isoformat()),
        *extra,
    ]
    return f"{reverse('orders:list')}?{urlencode(params)}"
