"""The admin of memberships: the inlines on a shop and a person, saved through the membership
services so permissions stay in sync; adding a person to a shop by email (an invitation when
the account is new); the object permissions those services keep, read-only."""

import logging
import smtplib

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from accounts.admin_mixins import ReadOnlyAdminMixin
from accounts.admin_scope import ShopScopedAdminMixin, ShopScopedInlineMixin
from accounts.exceptions import AccountsError
from accounts.invitations import invitation_send
from accounts.models import Membership, ShopUserObjectPermission
from accounts.services import membership_add, membership_grant, membership_revoke

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
