"""Django admin for users, shops and memberships; membership edits go through the service."""

import logging
import smtplib
from datetime import UTC
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from accounts.admin_forms import ShopAdminForm
from accounts.admin_mixins import ReadOnlyAdminMixin
from accounts.admin_scope import ShopScopedAdminMixin, ShopScopedInlineMixin, shop_scoped
from accounts.exceptions import AccountsError
from accounts.invitations import invitation_send
from accounts.models import AuditEvent, Membership, Shop, ShopUserObjectPermission, User
from accounts.roles import Role, role_table
from accounts.services import membership_add, membership_grant, membership_revoke
from accounts.zones import zone_abbreviation

logger = logging.getLogger(__name__)


class ShopMembershipInline(ShopScopedInlineMixin, admin.TabularInline):
    """The shop's members; a shop administrator adds people of their shops here (others by
    email, on Memberships)."""

    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)


class UserMembershipInline(ShopMembershipInline):
    """A person's roles: in the administrator's shops only, and edited by superusers only."""

    fields = ("shop", "role", "created_at")
    autocomplete_fields = ("shop",)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MembershipsThroughServiceMixin:
    """Saves the membership inline with membership_grant/revoke so permissions stay in sync."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                continue
            data = inline_form.cleaned_data
            if not data:
                continue
            shop, user = data["shop"], data["user"]  # the parent arrives as the inline's key
            original = inline_form.instance if inline_form.instance.pk else None
            if data.get("DELETE"):
                if original:
                    membership_revoke(
                        shop=original.shop, user=original.user, actor=request.user, request=request
                    )
                continue
            if original and (original.shop_id, original.user_id) != (shop.pk, user.pk):
                membership_revoke(
                    shop=original.shop, user=original.user, actor=request.user, request=request
                )
            membership_grant(
                shop=shop, user=user, role=data["role"], actor=request.user, request=request
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


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
    search_fields = ("name", "slug", "tiktok_shop_id")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("roles_and_permissions", "created_at")
    inlines = [ShopMembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "market", "currency", "timezone")}),
        ("TikTok", {"fields": ("tiktok_shop_id", "tiktok_shop_cipher")}),
        ("Policy", {"fields": ("require_two_factor", "refund_limit", "tracking_provider")}),
        ("Roles", {"fields": ("roles_and_permissions",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fixed = (
            () if request.user.is_superuser else ("slug", "tiktok_shop_id", "tiktok_shop_cipher")
        )
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


class MembershipInviteForm(forms.ModelForm):
    """Add a person to a shop by email; an account is created when the email is new."""

    email = forms.EmailField(
        help_text="They are emailed the role; a new email gets an account and a link to "
        "choose a password."
    )

    class Meta:
        model = Membership
        fields = ("shop", "email", "role")


@admin.register(Membership)
class MembershipAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "shop", "role", "created_at", "updated_at")
    list_filter = ("shop", "role")
    search_fields = ("user__email", "user__full_name", "shop__name")
    list_select_related = ("user", "shop")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipInviteForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("shop", "email", "role") if obj is None else ("shop", "user", "role")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("shop", "user")

    def save_model(self, request, obj, form, change):
        if change:
            obj.pk = membership_grant(
                shop=obj.shop, user=obj.user, role=obj.role, actor=request.user, request=request
            ).pk
            return
        try:
            added = membership_add(
                shop=form.cleaned_data["shop"],
                actor=request.user,
                request=request,
                email=form.cleaned_data["email"],
                role=obj.role,
            )
        except AccountsError as exc:  # the form validated the email; this is a race
            messages.error(request, str(exc))
            return
        obj.pk, obj.user = added.membership.pk, added.membership.user
        # After the commit, so nobody is emailed a role that was rolled back; messages are
        # stored when the response leaves, which is later still.
        transaction.on_commit(lambda: self._invite(request, added.membership))

    def _invite(self, request, membership):
        email = membership.user.email
        try:
            invitation_send(
                membership=membership,
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except (smtplib.SMTPException, OSError) as exc:
            logger.exception("Invitation email to %s failed", email)
            messages.error(
                request,
                f"The role is saved, but the invitation email to {email} could not be sent "
                f"({exc}). Check the server's EMAIL_URL setting, then add them again "
                "to resend it.",
            )
            return
        needs_password = not membership.user.has_usable_password()
        with_link = " with a link to choose a password" if needs_password else ""
        messages.success(request, f"An invitation email{with_link} was sent to {email}.")

    def delete_model(self, request, obj):
        membership_revoke(shop=obj.shop, user=obj.user, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("shop", "user"):
            membership_revoke(
                shop=membership.shop, user=membership.user, actor=request.user, request=request
            )
        messages.info(request, "Roles and their shop permissions were removed.")


@admin.register(ShopUserObjectPermission)
class ShopUserObjectPermissionAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    """What guardian actually holds: derived from memberships, shown for review only."""

    shop_lookup = "content_object"

    list_display = ("user", "content_object", "permission")
    list_filter = ("content_object", "permission")
    search_fields = ("user__email",)
    list_select_related = ("user", "content_object", "permission")


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
