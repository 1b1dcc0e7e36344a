"""The one place that answers "may this user do X in this shop?" and guards views with it."""

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Shop, ShopGroupObjectPermission, ShopUserObjectPermission, User
from accounts.roles import Perm


class MissingShopPermission(PermissionDenied):
    """Raised inside one's own shop; the 403 page names the missing permission."""

    def __init__(self, perm: Perm):
        self.perm = perm
        super().__init__(f"You need the “{perm.label}” permission for this page.")


# Within one request every answer comes from one look-up of the user's permission rows
# (PermissionCacheMiddleware opens and closes the cache); outside requests nothing is cached.
_request_cache: ContextVar[dict | None] = ContextVar("shop_permission_cache", default=None)


def permission_cache_clear() -> None:
    """Forget the current request's answers (after a role was granted or revoked in it)."""
    cache = _request_cache.get()
    if cache is not None:
        cache.clear()


def shop_permissions(user: User) -> dict[int, frozenset[Perm]]:
    """Every shop where `user` holds object permissions, with those permissions.

    Read from the shop's object-permission rows only, so model-wide grants never count. In a
    request whose session has not passed two-factor verification, shops that require it are
    left out until the user sets it up and signs in with it.
    """
    if not user.is_authenticated or not user.is_active:
        return {}
    return _grants(user)[0]


def _grants(user: User) -> tuple[dict[int, frozenset[Perm]], frozenset[int]]:
    verified = session_is_verified(user)
    return _request_memo((user.pk, verified), lambda: _permission_rows(user, verified))


def _permission_rows(
    user: User, verified: bool
) -> tuple[dict[int, frozenset[Perm]], frozenset[int]]:
    """The user's own and their groups' rows, in one statement: the permissions by shop, and
    the shops left out until this session passes two-factor verification."""
    columns = ("content_object_id", "permission__codename", "content_object__require_two_factor")
    rows = ShopUserObjectPermission.objects.filter(user=user).values_list(*columns)
    group_rows = ShopGroupObjectPermission.objects.filter(group__user=user).values_list(*columns)
    known, found, hidden = set(Perm.values), {}, set()
    for shop_id, codename, needs_two_factor in rows.union(group_rows, all=True):
        if codename not in known:
            continue
        if verified or not needs_two_factor:
            found.setdefault(shop_id, set()).add(Perm(codename))
        else:
            hidden.add(shop_id)
    permissions = {shop_id: frozenset(perms) for shop_id, perms in found.items()}
    return permissions, frozenset(hidden)


def shops_for_user(user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Shop]:
    """Shops where `user` holds `perm` on the shop itself (all shops for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Shop.objects.none()
    if user.is_superuser:
        return Shop.objects.all()
    ids = [shop_id for shop_id, perms in shop_permissions(user).items() if perm in perms]
    return Shop.objects.filter(pk__in=ids)


def shop_ids_for_user(user: User, perm: Perm = Perm.VIEW_ORDERS) -> list[int]:
    """The ids of `shops_for_user`, read from the permission rows the request already holds."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [shop.pk for shop in shop_list_for_user(user, perm)]
    return sorted(shop_id for shop_id, perms in shop_permissions(user).items() if perm in perms)


def shop_list_for_user(user: User, perm: Perm = Perm.VIEW_ORDERS) -> list[Shop]:
    """`shops_for_user` as a list, in name order, from one read of the user's shops a request
    (a page asks for them in its header, its filters and its forms)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return _request_memo(("shops", user.pk), lambda: list(Shop.objects.all()))
    held = shop_permissions(user)
    every = _request_memo(
        ("shops", user.pk, session_is_verified(user)),
        lambda: list(Shop.objects.filter(pk__in=list(held))),
    )
    return [shop for shop in every if perm in held.get(shop.pk, ())]


def _request_memo(key, compute):
    """`compute()`, once a request (the permission cache's lifetime); afresh outside one."""
    cache = _request_cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


class PermissionCacheMiddleware:
    """Answers permission questions from one look-up per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)


def session_is_verified(user: User) -> bool:
    """False only inside a request whose user has not passed a second factor (django-otp).

    Users loaded outside a request (tasks, commands) carry no such flag; their access was
    checked when the request that started the work was made.
    """
    is_verified = getattr(user, "is_verified", None)
    return is_verified() if callable(is_verified) else True


def shops_awaiting_two_factor(user: User) -> list[Shop]:
    """Shops where the user holds a role but sees nothing until this session is verified,
    from the permission rows the request already read (no statement when there are none)."""
    if not user.is_authenticated or not user.is_active or session_is_verified(user):
        return []
    hidden = _grants(user)[1]
    return list(Shop.objects.filter(pk__in=hidden)) if hidden else []


def shop_ids_in_view(user: User, perm: Perm = Perm.VIEW_ORDERS) -> list[int]:
    """The ids of `shops_in_view`, without a query once the request has read the user's rows."""
    ids = shop_ids_for_user(user, perm)
    if user.is_authenticated and user.preferred_shop_id in ids:
        return [user.preferred_shop_id]
    return ids


def shops_in_view(user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Shop]:
    """The shops pages show by default: the one picked in the switcher, or all of them."""
    shops = shops_for_user(user, perm)
    if user.is_authenticated and user.preferred_shop_id:
        picked = shops.filter(pk=user.preferred_shop_id)
        if picked.exists():
            return picked
    return shops


def user_has_shop_perm(user: User, shop: Shop, perm: Perm) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return perm in shop_permissions(user).get(shop.pk, frozenset())


def user_has_perm_anywhere(user: User, perm: Perm) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(perm in perms for perms in shop_permissions(user).values())


def permission_required(perm: Perm) -> Callable:
    """View decorator: signed in, and `perm` in at least one shop (views narrow further)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_perm_anywhere(request.user, perm):
                raise MissingShopPermission(perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
