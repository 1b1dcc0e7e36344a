"""Links to one order. A TikTok order id names one order, but a database may still hold the
same id in two shops (imported before that was refused): those links name the shop too."""

from urllib.parse import urlencode

from django.urls import reverse


def order_url(name: str, order, *args, **query) -> str:
    """The URL `name` for `order` (and `args`), with `?shop=` when its id alone is ambiguous."""
    if getattr(order, "id_in_other_shop", False):
        query = {"shop": order.shop.slug, **query}
    url = reverse(name, args=[order.order_id, *args])
    return f"{url}?{urlencode(query)}" if query else url


def imported_orders_url(job) -> str:
    """The order list showing exactly the orders an import job created or changed."""
    return f"{reverse('orders:list')}?{urlencode({'shop': job.shop.slug, 'import_job': job.pk})}"
