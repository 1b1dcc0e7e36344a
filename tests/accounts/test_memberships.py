"""Roles become guardian object permissions on the shop, granted only through the service."""

import pytest
from django.contrib.auth.models import Permission
from guardian.shortcuts import get_perms

from accounts.access import (
    PermissionCacheMiddleware,
    shop_ids_for_user,
    shop_ids_in_view,
    shop_list_for_user,
    shops_for_user,
    shops_in_view,
    user_has_shop_perm,
)
from accounts.models import AuditEvent, Membership
from accounts.roles import ROLE_PERMISSIONS, Perm, Role, permissions_for_role
from accounts.services import membership_grant, membership_revoke
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_granting_a_role_gives_exactly_its_permissions_on_that_shop(shop, other_shop, role):
    user = UserFactory()
    membership_grant(shop=shop, user=user, role=role, actor=None)
    assert set(get_perms(user, shop)) == {perm.value for perm in ROLE_PERMISSIONS[role]}
    assert get_perms(user, other_shop) == []


def test_changing_a_role_replaces_the_permissions_and_is_audited(shop, admin):
    user = UserFactory()
    membership_grant(shop=shop, user=user, role=Role.ADMINISTRATOR, actor=admin)
    membership_grant(shop=shop, user=user, role=Role.VIEWER, actor=admin)

    assert Membership.objects.get(user=user, shop=shop).role == Role.VIEWER
    assert set(get_perms(user, shop)) == {"view_orders", "view_insights"}
    last = AuditEvent.objects.filter(target=user.email).first()
    assert last.action == "role_changed"  # a change from → to, not a second grant
    assert last.payload == {"role": "viewer", "previous_role": "administrator"}
    assert last.summary == "Role changed from Administrator to Viewer"
    assert last.actor == admin and last.shop == shop


def test_revoking_removes_membership_and_every_permission(shop, admin):
    user = UserFactory()
    membership_grant(shop=shop, user=user, role=Role.FULFILMENT, actor=admin)
    assert membership_revoke(shop=shop, user=user, actor=admin) is True
    assert get_perms(user, shop) == []
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="role_revoked", target=user.email).exists()
    assert membership_revoke(shop=shop, user=user, actor=admin) is False


def test_unknown_role_is_refused_by_name_and_changes_nothing(shop):
    user = UserFactory()
    with pytest.raises(ValueError, match="owner"):
        membership_grant(shop=shop, user=user, role="owner", actor=None)
    assert not Membership.objects.filter(user=user).exists()
    with pytest.raises(ValueError, match="owner"):
        permissions_for_role("owner")


def test_model_wide_permission_never_opens_a_shop(shop, other_shop):
    """The guardian global-permission leak stays closed: a model-wide permission (granted
    through a group, say) never opens every shop."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_orders"))
    assert list(shops_for_user(user)) == []
    assert not user_has_shop_perm(user, shop, Perm.VIEW_ORDERS)


def test_shops_for_user_lists_only_shops_with_that_permission(
    shop, other_shop, accountant, outsider, superuser
):
    assert list(shops_for_user(accountant, Perm.EXPORT_ORDERS)) == [shop]
    assert list(shops_for_user(accountant, Perm.MESSAGE_BUYERS)) == []
    assert list(shops_for_user(outsider)) == [other_shop]
    assert set(shops_for_user(superuser)) == {shop, other_shop}


@pytest.mark.parametrize("perm", [Perm.VIEW_ORDERS, Perm.EXPORT_ORDERS, Perm.MANAGE_STAFF])
def test_the_list_forms_answer_as_the_querysets_in_and_out_of_a_request(
    shop, other_shop, accountant, outsider, superuser, viewer, perm
):
    """The order list reads shops as lists from the request's permission rows; they must
    name the same shops as the querysets everything else filters by."""
    superuser.preferred_shop = shop  # sees both shops; the switcher shows one
    superuser.save(update_fields=["preferred_shop"])

    def answers():
        return {
            user.email: (
                shop_list_for_user(user, perm),
                shop_ids_for_user(user, perm),
                shop_ids_in_view(user, perm),
            )
            for user in (accountant, outsider, superuser, viewer)
        }

    expected = {
        user.email: (
            list(shops_for_user(user, perm)),
            sorted(shops_for_user(user, perm).values_list("pk", flat=True)),
            sorted(shops_in_view(user, perm).values_list("pk", flat=True)),
        )
        for user in (accountant, outsider, superuser, viewer)
    }
    assert answers() == expected
    in_request = PermissionCacheMiddleware(lambda request: answers())
    assert in_request(None) == expected


def test_inactive_users_see_no_shop(shop, viewer):
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    assert list(shops_for_user(viewer)) == []
