"""Reads of orders. Every order query starts from `order_list_for_user`, so another shop's
order never appears; the other reads are modules of this package, one per page or subject."""

from django.db.models import QuerySet

from accounts.access import shop_ids_for_user
from accounts.models import User
from accounts.roles import Perm
from orders.models import Order


def order_list_for_user(*, user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Order]:
    """Orders of the shops where `user` holds `perm`; another shop's orders never appear."""
    # A user belongs to a handful of shops: a literal list plans far better than guardian's
    # permission subquery inside every order query.
    return Order.objects.filter(shop_id__in=shop_ids_for_user(user, perm))
