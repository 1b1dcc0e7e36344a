"""Rows picked on the order list for a bulk action: ticked ids, or every order matching the
filters. Both are resolved through the scoping selector, so a forged id selects nothing, and
filters the list refuses refuse the whole action (as exports do), never a wider selection."""

from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import User
from accounts.roles import Perm
from orders.exceptions import SelectionRefused
from orders.form_fields import error_lines, row_id
from orders.models import Order
from orders.selectors import order_list_for_user
from orders.selectors.order_filter import order_filterset

MAX_TICKED = 1000  # ticked rows one action takes at most (exports refuse more)


def order_selection_resolve(
    *,
    user: User,
    ids: list[str],
    all_matching: bool,
    query: QueryDict,
    perm: Perm = Perm.VIEW_ORDERS,
) -> QuerySet[Order]:
    """The orders a bulk action applies to, never outside the shops where `user` has `perm`.

    Raises SelectionRefused when `all_matching` and a filter of `query` is refused.
    """
    allowed = order_list_for_user(user=user, perm=perm)
    if all_matching:
        filterset, _ = order_filterset(user=user, query=query)
        if filterset.form.errors:  # the FilterSet leaves them out: the action would widen
            reasons = " ".join(error_lines(filterset.form))
            raise SelectionRefused(f"Nothing was done: correct these filters first. {reasons}")
        return filterset.qs & allowed
    keys = [row_id(i) for i in ids[:MAX_TICKED]]
    return allowed.filter(pk__in=[key for key in keys if key is not None])
