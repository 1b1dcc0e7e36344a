"""Links to one order. A TikTok order id names one order, but a database may still hold the
same id in two shops (imported before that was refused): those links name the shop too."""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse


def order_url(name: str, order, *args, **query) -> str:
    """The URL `name` for `order` (and `args`), with `?shop=` when its id alone is ambiguous."""
    if getattr(order, "id_in_other_shop", False):
        query = {"shop": order.shop.slug, **query}
    url = reverse(name, args=[order.order_id, *args])
    return f"{url}?{urlencode(query)}" if query else url


def imported_orders_url(job) -> str:
    """The order list showing exactly the orders an import job created or changed."""
    return f"{reverse('orders:list')}?{urlencode({'shop': job.shop.slug, 'import_job': job.pk})}"


def created_orders_url(
    *, first, last, statuses, filters=None, shop_slug: str | None = None, extra=()
) -> str:
    """The order list of the orders created on days first..last (each shop's zone) in the
    statuses given (within a `status` filter chosen), with the list `filters` of a page (a
    QueryDict), the shop when one is named, and `extra` parameters, which replace the
    filters of the same name (a row's `sku`, `state`, …): the link behind a sales figure."""
    replaced = {"status", "shop", *(name for name, _ in extra)}
    lists = filters.lists() if filters is not None else ()
    params = [(k, v) for k, values in lists for v in values if v and k not in replaced]
    if shop_slug:
        params.append(("shop", shop_slug))
    chosen = filters.getlist("status") if filters is not None else []
    params += [("status", s) for s in statuses if not chosen or s in chosen]
    params += [
        ("date_field", "created"),
        ("date_from", first.isoformat()),
        ("date_to", last.isoformat()),
        *extra,
    ]
    return f"{_list_path(get_script_prefix())}?{urlencode(params)}"


@lru_cache(maxsize=16)
def _list_path(prefix: str) -> str:
    """The order list's path under this script prefix: a page of sales figures links to it a
    hundred and fifty times."""
    return reverse("orders:list")
