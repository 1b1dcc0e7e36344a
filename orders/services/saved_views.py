"""Saved views of the order list: personal, or shared with a shop by its administrators."""

from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.access import shops_for_user, user_has_shop_perm
from accounts.models import Shop, User
from accounts.roles import Perm
from orders.exceptions import OrderError
from orders.models import SavedView


class SavedViewError(OrderError):
    """A saved-view action that is not allowed or not valid; the message says why."""


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


def _check_can_edit(view: SavedView, user: User) -> None:
    if view.owner_id is None and not user_has_shop_perm(user, view.shop, Perm.MANAGE_STAFF):
        raise SavedViewError("Only the shop's administrators may change shared views.")
    if view.owner_id not in (None, user.pk):
        raise SavedViewError("That view belongs to someone else.")


@transaction.atomic
def saved_view_create(
    *,
    user: User,
    shop: Shop,
    name: str,
    query_string: str,
    shared: bool = False,
    make_default: bool = False,
) -> SavedView:
    name = name.strip()
    if not name:
        raise SavedViewError("Give the view a name.")
    if not user_has_shop_perm(user, shop, Perm.VIEW_ORDERS):
        raise SavedViewError("You have no access to that shop.")
    if shared and not user_has_shop_perm(user, shop, Perm.MANAGE_STAFF):
        raise SavedViewError("Only the shop's administrators may share views with the shop.")
    owner = None if shared else user
    if SavedView.objects.filter(shop=shop, owner=owner, name__iexact=name).exists():
        raise SavedViewError(f"There is already a view called “{name}”.")
    view = SavedView.objects.create(
        name=name[:80], shop=shop, owner=owner, query_string=query_string[:2000]
    )
    if make_default:
        saved_view_make_default(user=user, view=view)
    return view


@transaction.atomic
def saved_view_rename(*, user: User, view: SavedView, name: str) -> SavedView:
    _check_can_edit(view, user)
    name = name.strip()
    if not name:
        raise SavedViewError("Give the view a name.")
    clash = SavedView.objects.filter(shop=view.shop, owner=view.owner, name__iexact=name)
    if clash.exclude(pk=view.pk).exists():
        raise SavedViewError(f"There is already a view called “{name}”.")
    view.name = name[:80]
    view.save(update_fields=["name"])
    return view


@transaction.atomic
def saved_view_delete(*, user: User, view: SavedView) -> None:
    _check_can_edit(view, user)
    view.delete()


@transaction.atomic
def saved_view_make_default(*, user: User, view: SavedView) -> SavedView:
    """My default (personal view), or the shop's default for everyone (shared view)."""
    _check_can_edit(view, user)
    siblings = SavedView.objects.filter(is_default=True, owner=view.owner)
    if view.owner_id is None:
        siblings = siblings.filter(shop=view.shop)
    siblings.exclude(pk=view.pk).update(is_default=False)
    view.is_default = True
    view.save(update_fields=["is_default"])
    return view
