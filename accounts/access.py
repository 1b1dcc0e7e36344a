"""The one place that answers "may this user do X in this shop?" and guards views with it."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from .models import Shop, User
from .roles import Perm


class MissingShopPermission(PermissionDenied):
    """Raised inside one's own shop; the 403 page names the missing permission."""

    def __init__(self, perm: Perm):
        self.perm = perm
        super().__init__(f"You need the “{perm.label}” permission for this page.")


def shops_for_user(user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Shop]:
    """Shops where `user` holds `perm` on the shop itself; model-wide grants never count.

    In a request whose session has not passed two-factor verification, shops that require
    two-factor are left out until the user sets it up and signs in with it.
    """
    if not user.is_authenticated or not user.is_active:
        return Shop.objects.none()
    if user.is_superuser:
        return Shop.objects.all()
    shops = get_objects_for_user(
        user, perm.full_codename, klass=Shop, accept_global_perms=False, with_superuser=False
    )
    if not session_is_verified(user):
        shops = shops.exclude(require_two_factor=True)
    return shops


def session_is_verified(user: User) -> bool:
    """False only inside a request whose user has not passed a second factor (django-otp).

    Users loaded outside a request (tasks, commands) carry no such flag; their access was
    checked when the request that started the work was made.
    """
    is_verified = getattr(user, "is_verified", None)
    return is_verified() if callable(is_verified) else True


def shops_awaiting_two_factor(user: User) -> QuerySet[Shop]:
    """Shops the user belongs to but cannot see until this session is verified."""
    if session_is_verified(user) or not user.is_authenticated:
        return Shop.objects.none()
    return Shop.objects.filter(memberships__user=user, require_two_factor=True)


def shops_in_view(user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Shop]:
    """The shops pages show by default: the one picked in the switcher, or all of them."""
    shops = shops_for_user(user, perm)
    if user.is_authenticated and user.preferred_shop_id:
        picked = shops.filter(pk=user.preferred_shop_id)
        if picked.exists():
            return picked
    return shops


def user_has_shop_perm(user: User, shop: Shop, perm: Perm) -> bool:
    return shops_for_user(user, perm).filter(pk=shop.pk).exists()


def user_has_perm_anywhere(user: User, perm: Perm) -> bool:
    return shops_for_user(user, perm).exists()


def permission_required(perm: Perm) -> Callable:
    """View decorator: signed in, and `perm` in at least one shop (views narrow further)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_perm_anywhere(request.user, perm):
                raise MissingShopPermission(perm)
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator
