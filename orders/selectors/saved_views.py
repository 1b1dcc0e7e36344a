"""Reads of saved views of the order list: mine, and those shared with my shops."""

from django.db.models import Q, QuerySet

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm
from orders.models import SavedView


def saved_views_for_user(*, user: User) -> QuerySet[SavedView]:
    """My personal views and the views shared with the shops I can see."""
    shops = shops_for_user(user, Perm.VIEW_ORDERS).values("pk")
    return (
        SavedView.objects.filter(shop__in=shops)
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .select_related("shop", "owner")
    )


def default_saved_view(*, user: User) -> SavedView | None:
    """My own default view, else a default shared with one of my shops."""
    views = saved_views_for_user(user=user).filter(is_default=True)
    return views.filter(owner=user).first() or views.filter(owner__isnull=True).first()
