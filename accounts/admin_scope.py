"""Django admin for shop administrators: they see and manage only the shops they administer.

Superusers see everything. A shop administrator (role `administrator`, which grants "manage the
shop's staff") is staff by that role alone and reaches exactly the rows of their shops — and
nothing of other shops anywhere on a page: not in list filters, columns, inlines, form choices
or autocomplete answers, nor through a query-string lookup that no filter shown to them offers
(refused with a 400, as Django refuses lookups). Every admin class and inline that a shop
administrator can open takes its scoping from here; `shop_lookup` says how a model reaches
its Shop.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.filters import FieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters, get_fields_from_path
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q, QuerySet

from accounts.access import shops_for_user
from accounts.roles import Perm


def managed_shops(request):
    """Shops where the request's user may manage staff, computed once per request."""
    if not hasattr(request, "_managed_shops"):
        request._managed_shops = shops_for_user(request.user, Perm.MANAGE_STAFF)
    return request._managed_shops


def may_use_admin(request) -> bool:
    """Superusers, and administrators of at least one shop."""
    return request.user.is_superuser or managed_shops(request).exists()


def _shop_q(request, lookup: str) -> Q:
    return Q(**{f"{lookup or 'pk'}__in": managed_shops(request).values("pk")})


def shop_scoped(request, queryset: QuerySet, lookup: str = "shop") -> QuerySet:
    """`queryset` limited to rows of the user's managed shops; unchanged for superusers.

    `lookup` is the path from the model to Shop ("" for Shop itself). A path through a
    multi-valued relation is matched in a subquery, so rows are never duplicated.
    """
    if request.user.is_superuser:
        return queryset
    if "__" not in lookup:
        return queryset.filter(_shop_q(request, lookup))
    in_scope = queryset.model._default_manager.filter(_shop_q(request, lookup))
    return queryset.filter(pk__in=in_scope.values("pk"))


def visible_in_admin(request, queryset: QuerySet, admin_site) -> QuerySet:
    """Rows of any model limited as its own shop-scoped admin limits them (else unchanged)."""
    try:
        model_admin = admin_site.get_model_admin(queryset.model)
    except NotRegistered:
        return queryset
    if isinstance(model_admin, ShopScopedAdminMixin):
        return shop_scoped(request, queryset, model_admin.shop_lookup)
    return queryset


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices (selects, autocomplete validation) in scope."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if request.user.is_superuser:
            return queryset
        if queryset is None:
            remote = db_field.remote_field
            queryset = remote.model._default_manager.using(db).complex_filter(
                remote.limit_choices_to
            )
        return visible_in_admin(request, queryset, self.admin_site)


class _ScopedLookupMixin:
    """A list filter whose lookup follows the admin's path to Shop is matched within the
    administrator's shops: "accountant" on the user list means an accountant *here*."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        scope = getattr(model_admin, "shop_lookup", "")
        same_path = scope and field_path.split("__")[0] == scope.split("__")[0]
        self.scope_q = None if request.user.is_superuser or not same_path else scope

    def queryset(self, request, queryset):
        if self.scope_q is None or not self.used_parameters:
            return super().queryset(request, queryset)
        try:  # one filter() call, so the lookup and the scope use the same join
            lookup = build_q_object_from_lookup_parameters(self.used_parameters)
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from None
        return queryset.filter(lookup & _shop_q(request, self.scope_q))


class ScopedRelatedFieldListFilter(_ScopedLookupMixin, admin.RelatedFieldListFilter):
    """Filters such as "By shop": only related objects that occur in the rows the user may
    see and that the related model's own admin would show them."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        shown = model_admin.get_queryset(request).values(f"{self.field_path}__pk")
        related = field.related_model._default_manager.filter(pk__in=shown)
        related = visible_in_admin(request, related, model_admin.admin_site)
        return field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to={"pk__in": related.values("pk")},
        )


class ScopedChoicesFieldListFilter(_ScopedLookupMixin, admin.ChoicesFieldListFilter):
    pass


class ShopScopedAdminMixin(ScopedChoicesMixin):
    """Limits an admin to rows of the shops the user administers (all rows for superusers)."""

    shop_lookup = "shop"  # path from the model to its Shop; "" when the model is Shop

    def get_queryset(self, request):
        return shop_scoped(request, super().get_queryset(request), self.shop_lookup)

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        if not isinstance(entry, str):
            return entry  # a filter class of its own answers for its scope
        field = get_fields_from_path(self.model, entry)[-1]
        if field.is_relation:
            return (entry, ScopedRelatedFieldListFilter)
        if "__" not in entry:
            return entry  # a column of the scoped rows themselves
        if field.choices:
            return (entry, ScopedChoicesFieldListFilter)
        raise ImproperlyConfigured(
            f"{type(self).__name__}.list_filter {entry!r} lists values of other shops' rows; "
            "give it a scoped filter class"
        )

    def lookup_allowed(self, lookup, value, request=None):
        # Django allows any lookup on the row's own columns (is_staff, a password prefix) and
        # any suffix on a list filter's path (memberships__role__in). Neither passes through a
        # scoped filter, so through a multi-valued path they match other shops' rows. A shop
        # administrator may use only the parameters the filters shown to them read.
        allowed = super().lookup_allowed(lookup, value, request)
        if request is None or request.user.is_superuser:
            return allowed
        return allowed and lookup in self._offered_lookups(request)

    def _offered_lookups(self, request) -> frozenset[str]:
        """Query parameters read by the list filters and date drill-down shown to the user."""
        cache = request.__dict__.setdefault("_offered_lookups", {})
        if self not in cache:
            offered = set()
            for entry in self.get_list_filter(request):
                offered.update(self._empty_filter(request, entry).expected_parameters())
            if self.date_hierarchy:
                offered.update(
                    f"{self.date_hierarchy}__{unit}" for unit in ("year", "month", "day")
                )
            cache[self] = frozenset(offered)
        return cache[self]

    def _empty_filter(self, request, entry):
        """The list filter `entry` as the changelist builds it, given no parameters."""
        if callable(entry):
            return entry(request, {}, self.model, self)
        path, filter_class = entry if isinstance(entry, (list, tuple)) else (entry, None)
        field = get_fields_from_path(self.model, path)[-1]
        filter_class = filter_class or FieldListFilter.create
        return filter_class(field, request, {}, self.model, self, field_path=path)

    def may_manage(self, request) -> bool:
        return may_use_admin(request)

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


class ShopScopedInlineMixin(ScopedChoicesMixin):
    """An inline showing only rows of the user's shops; open to whoever may open the parent
    (the parent admin already refuses objects out of scope)."""

    shop_lookup = "shop"

    def get_queryset(self, request):
        return shop_scoped(request, super().get_queryset(request), self.shop_lookup)

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request)

    def has_change_permission(self, request, obj=None):
        return may_use_admin(request)

    def has_add_permission(self, request, obj=None):
        return may_use_admin(request)

    def has_delete_permission(self, request, obj=None):
        return may_use_admin(request)
