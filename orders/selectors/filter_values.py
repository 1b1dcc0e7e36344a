"""The values of the filters with a known set, from the shop's own orders.

Payment method, country, carrier and delivery option are lists in the filter bar, built from
the distinct values in the user's scoped orders. A DISTINCT over a shop's 650,000 orders
reads them all (about a second each); the order columns are read instead by skipping along
an index led by the shop (`order_shop_payment_idx`, `order_shop_delivery_idx`,
`order_shop_destination_idx`): one probe for the smallest value above the last one, so a
list costs one query per value, a few milliseconds. Carriers are on packages, which have no
shop column to lead an index: they are one DISTINCT query through the shop's orders (about
85 ms at 65,000 orders; docs/benchmarks.md, and the follow-up in docs/decisions.md). Each
shop's lists are then kept for CACHE_SECONDS.

A value in a URL that is not in the list makes the FilterSet read the lists again, uncached,
before it refuses it, so a value imported a minute ago is never refused; only the options
shown may lag by those minutes.
"""

from django.core.cache import cache
from django.db.models import Min

from accounts.access import shops_for_user
from accounts.models import User
from orders.selectors import order_list_for_user
from orders.statuses import TIKTOK_COUNTRY

CACHE_SECONDS = 600
MAX_VALUES = 200  # a list longer than this is no help to pick from; the rest are not shown
# filter → its column on the order, read by skipping along the shop's index
ORDER_COLUMNS = {
    "payment_method": "payment_method_name",
    "country": "region_code",
    "delivery_option": "delivery_option_name",
}
NAMES = ("payment_method", "country", "carrier", "delivery_option")


def _key(shop_id: int) -> str:
    return f"orders:filter-values:{shop_id}"


def _skip_scan(orders, column: str) -> list[str]:
    """The distinct non-empty values of `column`, one index probe each, in index order."""
    values: list[str] = []
    last = ""
    while len(values) < MAX_VALUES:
        last = orders.filter(**{f"{column}__gt": last}).aggregate(m=Min(column))["m"]
        if last is None:
            break
        values.append(last)
    return values


def _read(user: User, shop_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    scoped = order_list_for_user(user=user).order_by()
    found: dict[int, dict[str, list[str]]] = {}
    for shop_id in shop_ids:
        in_shop = scoped.filter(shop_id=shop_id)
        found[shop_id] = {name: _skip_scan(in_shop, col) for name, col in ORDER_COLUMNS.items()}
        found[shop_id]["carrier"] = []
    carriers = (
        scoped.filter(shop_id__in=shop_ids, packages__shipping_provider_name__gt="")
        .values_list("shop_id", "packages__shipping_provider_name")
        .distinct()
    )
    for shop_id, carrier in carriers:
        found[shop_id]["carrier"].append(carrier)
    return {
        pk: {name: sorted(values, key=str.casefold)[:MAX_VALUES] for name, values in lists.items()}
        for pk, lists in found.items()
    }


def filter_values_for_user(
    *, user: User, shop_ids: list[int], fresh: bool = False
) -> dict[str, list[str]]:
    """Each known-set filter's values in the orders of `shop_ids` that `user` may view."""
    cached = {} if fresh else cache.get_many([_key(pk) for pk in shop_ids])
    lists = {pk: cached[_key(pk)] for pk in shop_ids if _key(pk) in cached}
    missing = [pk for pk in shop_ids if pk not in lists]
    if missing:
        read = _read(user, missing)
        # Every member of a shop may view all of its orders: one entry per shop serves them
        # all. Only shops the user may view are kept, so nobody empties another shop's lists.
        mine = set(shops_for_user(user).filter(pk__in=missing).values_list("pk", flat=True))
        cache.set_many({_key(pk): read[pk] for pk in mine}, CACHE_SECONDS)
        lists.update(read)
    merged: dict[str, set[str]] = {name: set() for name in NAMES}
    for values in lists.values():
        for name in NAMES:
            merged[name].update(values.get(name, ()))
    return {name: sorted(values, key=str.casefold) for name, values in merged.items()}


def value_label(name: str, value: str) -> str:
    """What the list shows for a value: a country by its name, the rest as the shop wrote them."""
    if name == "country":
        return TIKTOK_COUNTRY.get(value.upper(), value)
    return value
