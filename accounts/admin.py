"""Django admin for users, shops and the audit log (memberships: accounts/admin_memberships.py)."""

from datetime import UTC
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from accounts.admin_forms import ShopAdminForm

# Importing the membership inlines registers the Membership admins too.
from accounts.admin_memberships import (
    MembershipsThroughServiceMixin,
    ShopMembershipInline,
    UserMembershipInline,
)
from accounts.admin_mixins import ReadOnlyAdminMixin
from accounts.admin_scope import ShopScopedAdminMixin, shop_scoped
from accounts.models import AuditEvent, Membership, Shop, User
from accounts.roles import Role, role_table
from accounts.zones import zone_abbreviation

STAFF_FLAGS = ("is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(ShopScopedAdminMixin, MembershipsThroughServiceMixin, DjangoUserAdmin):
    """Superusers manage accounts; shop administrators see the members of their shops."""

    shop_lookup = "memberships__shop"

    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login", "shop_roles")
    list_filter = ("is_active", "is_staff", "is_superuser", "memberships__role")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ()

    def get_queryset(self, request):
        memberships = shop_scoped(request, Membership.objects.select_related("shop"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=memberships))
        )

    # Staff and superuser flags follow roles in every shop (staff = administrator somewhere),
    # so only superusers see them.
    def _shown_to(self, request, names):
        return names if request.user.is_superuser else [n for n in names if n not in STAFF_FLAGS]

    def get_list_display(self, request):
        return self._shown_to(request, super().get_list_display(request))

    def get_list_filter(self, request):
        return self._shown_to(request, super().get_list_filter(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": self._shown_to(request, options["fields"])})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # an account may belong to shops they don't manage

    def has_add_permission(self, request, *args):
        return request.user.is_superuser  # shop administrators invite through Memberships

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="Roles")
    def shop_roles(self, user):
        return (
            ", ".join(f"{m.get_role_display()} @ {m.shop.name}" for m in user.memberships.all())
            or "—"
        )


@admin.register(Shop)
class ShopAdmin(ShopScopedAdminMixin, MembershipsThroughServiceMixin, admin.ModelAdmin):
    shop_lookup = ""
    form = ShopAdminForm

    list_display = (
        "name",
        "slug",
        "market",
        "currency",
        "timezone",
        "require_two_factor",
        "member_count",
    )
    list_filter = ("market", "currency", "require_two_factor")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("roles_and_permissions", "created_at")
    inlines = [ShopMembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "market", "currency", "timezone")}),
        ("Policy", {"fields": ("require_two_factor", "refund_limit", "tracking_provider")}),
        ("Roles", {"fields": ("roles_and_permissions",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fixed = () if request.user.is_superuser else ("slug",)
        return (*super().get_readonly_fields(request, obj), *fixed)

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug has no input to fill (and Django fails on the missing field).
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="Members")
    def member_count(self, shop):
        return shop.memberships.count()

    @admin.display(description="What each role may do")
    def roles_and_permissions(self, shop=None):
        head = format_html_join("", "<th>{}</th>", ((role.label,) for role in Role))
        body = format_html_join(
            "",
            "<tr><td>{}</td>{}</tr>",
            (
                (label, format_html_join("", "<td>{}</td>", (("✔" if ok else "—",) for ok in row)))
                for label, row in role_table()
            ),
        )
        return format_html(
            # Its own box scrolls sideways on a narrow screen (static/css/admin.css).
            '<div class="role-table"><table><thead><tr><th>Permission</th>{}</tr></thead>'
            "<tbody>{}</tbody></table></div>",
            head,
            body,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    list_display = ("when", "actor_email", "what", "shop", "target", "ip_address")
    fields = (
        *("when", "actor", "actor_email", "action", "shop"),
        *("target", "ip_address", "user_agent", "payload"),
    )
    readonly_fields = ("when",)
    list_filter = ("action", "shop")
    search_fields = ("actor_email", "target", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("shop",)

    @admin.display(description="Action", ordering="action")
    def what(self, event):
        return event.summary

    @admin.display(description="When", ordering="created_at")
    def when(self, event):
        """In the shop's zone and named ("Dec 1, 2026 05:35 PST"); UTC for no shop."""
        moment = event.created_at.astimezone(ZoneInfo(event.shop.timezone) if event.shop else UTC)
        return f"{moment:%b} {moment.day}, {moment:%Y %H:%M} {zone_abbreviation(moment)}"
