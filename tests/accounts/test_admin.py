"""Django admin: browsable for an administrator, and role edits go through the service."""

import pytest
from guardian.shortcuts import get_perms

from accounts.models import AuditEvent, Membership, User
from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _inline_post(shop, rows):
    data = {
        "name": shop.name,
        "slug": shop.slug,
        "market": shop.market,
        "currency": shop.currency,
        "timezone": shop.timezone,
        "refund_limit": "50.00",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"memberships-{i}-{key}": value for key, value in row.items()})
    return data


def test_adding_a_member_in_shop_admin_grants_the_role_permissions(client, superuser, shop):
    newcomer = UserFactory(email="new@example.test")
    client.force_login(superuser)
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        _inline_post(shop, [{"user": newcomer.pk, "role": "accountant"}]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=newcomer, shop=shop).role == Role.ACCOUNTANT
    assert "export_orders" in get_perms(newcomer, shop)
    assert AuditEvent.objects.filter(
        action="role_granted", actor=superuser, target=newcomer.email
    ).exists()


def test_deleting_a_membership_in_admin_revokes_permissions(client, superuser, shop, packer):
    membership = Membership.objects.get(user=packer)
    client.force_login(superuser)
    response = client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert get_perms(packer, shop) == []
    assert AuditEvent.objects.filter(action="role_revoked", target=packer.email).exists()


def test_shop_admin_shows_the_role_table(client, superuser, shop):
    client.force_login(superuser)
    body = client.get(f"/admin/accounts/shop/{shop.pk}/change/").content.decode()
    assert "What each role may do" in body and "Approve refunds" in body


def test_order_admin_lists_searches_and_shows_children(client, superuser, shop):
    order = OrderFactory(shop=shop, status="DELIVERED", buyer_username="findme.buyer")
    OrderFactory(shop=shop, buyer_username="someone.else")
    client.force_login(superuser)
    listing = client.get("/admin/orders/order/", {"q": "findme"}).content.decode()
    assert order.order_id in listing and "someone.else" not in listing
    detail = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    line = order.lines.first()
    assert line.product_name in detail
    assert order.packages.first().tracking_number in detail


def test_tiktok_data_is_read_only_in_admin_but_the_seller_note_is_not(client, superuser, shop):
    order = OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(superuser)
    form = client.get(f"/admin/orders/order/{order.pk}/change/").context["adminform"].form
    assert "seller_note" in form.fields
    assert "status" not in form.fields and "total_amount" not in form.fields


# --- Shop administrators in Django admin --------------------------------------------------


def test_the_administrator_role_opens_django_admin_and_losing_it_closes_it(shop, admin):
    from accounts.services import membership_grant

    assert admin.is_staff
    membership_grant(shop=shop, user=admin, role=Role.VIEWER, actor=None)
    admin.refresh_from_db()
    assert not admin.is_staff


def test_shop_administrator_sees_only_their_shops_rows(
    client, shop, other_shop, admin, viewer, outsider
):
    client.force_login(admin)
    shops = client.get("/admin/accounts/shop/").context["cl"].queryset
    assert list(shops) == [shop]
    members = client.get("/admin/accounts/membership/").context["cl"].queryset
    assert {m.user for m in members} == {admin, viewer}
    users = client.get("/admin/accounts/user/").context["cl"].queryset
    assert outsider not in users and viewer in users
    other = client.get(f"/admin/accounts/shop/{other_shop.pk}/change/")
    assert other.status_code == 302  # "does not exist", like any object out of reach
    assert (
        client.get(f"/admin/accounts/user/{viewer.pk}/change/").context["has_change_permission"]
        is False
    )


def test_shop_administrator_invites_a_new_person_by_email(client, shop, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/membership/add/",
        {"shop": shop.pk, "email": "New.Person@Example.test", "role": "fulfilment"},
        follow=True,
    )
    assert response.status_code == 200
    person = User.objects.get(email="new.person@example.test")
    assert not person.has_usable_password()
    assert set(get_perms(person, shop)) == {
        "view_orders",
        "see_buyer_contact",
        "add_notes",
        "change_order_status",
    }
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "/accounts/reset/" in shown
    assert AuditEvent.objects.filter(
        action="role_granted", actor=admin, target=person.email
    ).exists()


def test_shop_administrator_cannot_invite_into_another_shop(client, shop, other_shop, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/membership/add/",
        {"shop": other_shop.pk, "email": "sneaky@example.test", "role": "administrator"},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "shop" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="sneaky@example.test").exists()


def test_shop_administrator_changes_a_role_through_the_service(client, shop, admin, viewer):
    membership = Membership.objects.get(user=viewer, shop=shop)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/membership/{membership.pk}/change/", {"role": "accountant"}
    )
    assert response.status_code == 302
    assert "export_orders" in get_perms(viewer, shop)
