"""Rows picked on the order list for a bulk action: ticked ids, or every order matching the
filters. Both are resolved through the scoping selector, so a forged id selects nothing."""

from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import User

from ..models import Order
from ..selectors import order_list_for_user
from ..selectors.order_list import order_filterset

MAX_TICKED = 1000


def order_selection_resolve(
    *, user: User, ids: list[str], all_matching: bool, query: QueryDict
) -> QuerySet[Order]:
    """The orders a bulk action applies to, never outside the user's shops."""
    if all_matching:
        filterset, _ = order_filterset(user=user, query=query)
        return filterset.qs
    keys = [int(i) for i in ids[:MAX_TICKED] if str(i).isdigit()]
    return order_list_for_user(user=user).filter(pk__in=keys)
