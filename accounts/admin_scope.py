"""Django admin for shop administrators: they see and manage only the shops they administer.

Superusers see everything. A shop administrator (role `administrator`, which grants "manage the
shop's staff") is staff by that role alone and reaches exactly the rows of their shops.
"""

from .access import shops_for_user
from .roles import Perm


def managed_shops(request):
    """Shops where the request's user may manage staff, computed once per request."""
    if not hasattr(request, "_managed_shops"):
        request._managed_shops = shops_for_user(request.user, Perm.MANAGE_STAFF)
    return request._managed_shops


class ShopScopedAdminMixin:
    """Limits an admin to rows of the shops the user administers (all rows for superusers)."""

    shop_lookup = "shop"  # path from the model to its Shop; "" when the model is Shop

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = f"{self.shop_lookup}__in" if self.shop_lookup else "pk__in"
        return queryset.filter(**{lookup: managed_shops(request).values("pk")}).distinct()

    def may_manage(self, request) -> bool:
        return request.user.is_superuser or managed_shops(request).exists()

    def in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self.may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self.may_manage(request) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may_manage(request) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_manage(request) and self.in_scope(request, obj)

    def has_add_permission(self, request, *args):
        return self.may_manage(request)
