"""The values of the filters with a known set, from the shop's own orders (issue 14, item 15).

Payment method, country, carrier and delivery option are lists in the filter bar, built from
the distinct values in the user's scoped orders. Reading them is one query per filter for all
the shops that are not cached (on 650,000 orders a shop's distinct carriers take a few hundred
milliseconds: none of these columns leads an index that could answer DISTINCT cheaply), then
each shop's lists are kept for CACHE_SECONDS. A value in a URL that is not in the list makes
the FilterSet read the lists again, uncached, before it refuses it, so an order imported a
minute ago is never refused; only the options shown may lag by those minutes.
"""

from django.core.cache import cache

from accounts.access import shops_for_user
from accounts.models import User

from ..statuses import TIKTOK_COUNTRY
from . import order_list_for_user

CACHE_SECONDS = 600
# filter → the path of its column from an order
COLUMNS = {
    "payment_method": "payment_method_name",
    "country": "region_code",
    "carrier": "packages__shipping_provider_name",
    "delivery_option": "delivery_option_name",
}


def _key(shop_id: int) -> str:
    return f"orders:filter-values:{shop_id}"


def _read(user: User, shop_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, set[str]]] = {pk: {n: set() for n in COLUMNS} for pk in shop_ids}
    scoped = order_list_for_user(user=user).filter(shop_id__in=shop_ids).order_by()
    for name, column in COLUMNS.items():
        rows = scoped.filter(**{f"{column}__gt": ""}).values_list("shop_id", column).distinct()
        for shop_id, value in rows:
            found[shop_id][name].add(value)
    return {
        pk: {name: sorted(values, key=str.casefold) for name, values in lists.items()}
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
    merged: dict[str, set[str]] = {name: set() for name in COLUMNS}
    for values in lists.values():
        for name in COLUMNS:
            merged[name].update(values.get(name, ()))
    return {name: sorted(values, key=str.casefold) for name, values in merged.items()}


def value_label(name: str, value: str) -> str:
    """What the list shows for a value: a country by its name, the rest as the shop wrote them."""
    if name == "country":
        return TIKTOK_COUNTRY.get(value.upper(), value)
    return value
