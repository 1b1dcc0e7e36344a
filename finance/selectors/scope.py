"""The shops a person's finance pages cover: those where they may view finance, narrowed by
`?shop=` or else by the shop switcher (accounts.access.shops_in_view)."""

from accounts.access import shops_for_user, shops_in_view, user_has_shop_perm
from accounts.models import Shop
from accounts.roles import Perm
from orders.exceptions import ForeignShop


def finance_shops(*, user, slug: str = "") -> list[Shop]:
    """The shops in view; ForeignShop (a 404) when `slug` names a shop they cannot read."""
    if slug:
        shops = list(shops_for_user(user, Perm.VIEW_FINANCE).filter(slug=slug))
        if not shops:
            raise ForeignShop(slug)
        return shops
    return list(shops_in_view(user, Perm.VIEW_FINANCE).order_by("name", "pk"))


def may_explain(*, user, shop: Shop) -> bool:
    return user_has_shop_perm(user, shop, Perm.EXPLAIN_DIFFERENCES)
