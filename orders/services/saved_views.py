"""Saved views of the order list: personal, or shared with a shop by its administrators."""

from django.db import transaction

from accounts.access import user_has_shop_perm
from accounts.models import Shop, User
from accounts.roles import Perm
from orders.exceptions import SavedViewError
from orders.models import SavedView


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
