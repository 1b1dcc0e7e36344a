"""The order list's filters applied for one user: the validated FilterSet and the scoped
queryset it selects, which the list, its counts, bulk actions and exports all start from."""

from datetime import datetime

from django.http import QueryDict

from accounts.access import shop_ids_for_user, shop_ids_in_view, shop_list_for_user
from accounts.models import User
from accounts.roles import Perm
from orders.exceptions import ForeignShop
from orders.filters import OrderFilterSet
from orders.selectors import order_list_for_user
from orders.selectors.filter_values import filter_values_for_user


def order_filterset(
    *, user: User, query: QueryDict, now: datetime | None = None, within: list | None = None
):
    """The validated filters and the scoped, filtered queryset they select.

    Without a `shop` parameter the orders are those of the shops in view (the switcher), or
    of the shops `within` when given (an export remembers its shops). Raises ForeignShop
    when `shop` names a shop the user may not view.
    """
    shops = shop_list_for_user(user, Perm.VIEW_ORDERS)
    unmasked = set(shop_ids_for_user(user, Perm.SEE_BUYER_CONTACT))
    base = order_list_for_user(user=user)
    if within is not None:
        base = base.filter(shop__in=within)
    elif not query.get("shop"):
        base = base.filter(shop_id__in=shop_ids_in_view(user, Perm.VIEW_ORDERS))
    filterset = OrderFilterSet(
        query,
        queryset=base,
        shops=shops,
        unmasked_shop_ids=unmasked,
        now=now,
        user=user,
        known_values=lambda in_shops, fresh: filter_values_for_user(
            user=user, shop_ids=[shop.pk for shop in in_shops], fresh=fresh
        ),
    )
    filterset.is_valid()  # validates once; invalid fields are reported and left out
    if filterset.foreign_shop_requested:
        raise ForeignShop(query.get("shop"))
    return filterset, unmasked
