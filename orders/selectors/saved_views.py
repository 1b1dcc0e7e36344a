"""Reads of saved views of the order list: mine, and those shared with my shops."""

from django.db.models import Q, QuerySet

from accounts.access import shop_ids_for_user
from accounts.models import User
from accounts.roles import Perm
from orders.models import SavedView


def saved_views_for_user(*, user: User) -> QuerySet[SavedView]:
    """My personal views and the views shared with the shops I can see, by name."""
    return (
        SavedView.objects.filter(shop_id__in=shop_ids_for_user(user, Perm.VIEW_ORDERS))
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .select_related("shop", "owner")
    )


def default_saved_view(views: list[SavedView], *, user: User) -> SavedView | None:
    """Among `views` (saved_views_for_user, read once by the list), my own default view, else
    a default shared with one of my shops."""
    defaults = [view for view in views if view.is_default]
    mine = (view for view in defaults if view.owner_id == user.pk)
    return next(mine, None) or next((view for view in defaults if view.owner_id is None), None)
