"""Django admin: browsable for an administrator, and role edits go through the service."""

import pytest
from guardian.shortcuts import get_perms

from accounts.models import AuditEvent, Membership, User
from accounts.roles import Role
from accounts.services import membership_grant
from tests.accounts.factories import ShopFactory, UserFactory, member
from tests.accounts.helpers import CHANGELISTS, inline_post
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_adding_a_member_in_shop_admin_grants_the_role_permissions(client, superuser, shop):
    newcomer = UserFactory(email="new@example.test")
    client.force_login(superuser)
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        inline_post(shop, [{"user": newcomer.pk, "role": "accountant"}]),
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
    assert (
        "/accounts/reset/" not in shown
    )  # emailed to them instead (tests/accounts/test_invitations.py)
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


# --- No trace of another shop for a shop administrator --------------------------------------


def _filter_choices(response) -> list[str]:
    changelist = response.context["cl"]
    return [
        str(choice["display"])
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    ]


@pytest.mark.parametrize("url", CHANGELISTS)
@pytest.mark.parametrize("facets", ["", "?_facets=True"])
def test_changelists_show_a_shop_administrator_nothing_of_another_shop(
    client, admin, shared, other_shop, url, facets
):
    client.force_login(admin)
    response = client.get(url + facets)
    assert response.status_code == 200
    choices = _filter_choices(response)
    assert not [c for c in choices if other_shop.name in c], choices
    body = response.content.decode()
    assert other_shop.name not in body and other_shop.slug not in body


def test_the_user_list_shows_only_roles_in_the_administrators_shops(client, admin, shared):
    client.force_login(admin)
    body = client.get("/admin/accounts/user/").content.decode()
    assert "Viewer @ North Shop" in body
    assert "Accountant @" not in body and "South Shop" not in body


def test_the_role_filter_counts_only_roles_in_the_administrators_shops(client, admin, shared):
    client.force_login(admin)
    accountants = client.get("/admin/accounts/user/", {"memberships__role__exact": "accountant"})
    assert shared not in accountants.context["cl"].queryset  # an accountant of South Shop only
    viewers = client.get("/admin/accounts/user/", {"memberships__role__exact": "viewer"})
    assert shared in viewers.context["cl"].queryset


def test_staff_flags_of_shared_people_are_not_shown_to_a_shop_administrator(
    client, shop, other_shop, admin, viewer
):
    membership_grant(shop=other_shop, user=viewer, role=Role.ADMINISTRATOR, actor=None)
    client.force_login(admin)
    listing = client.get("/admin/accounts/user/")
    assert "is_staff" not in listing.context["cl"].list_display
    assert not [c for c in _filter_choices(listing) if "staff" in c.lower()]
    page = client.get(f"/admin/accounts/user/{viewer.pk}/change/")
    assert "is_staff" not in page.content.decode()  # staff here means "administers elsewhere"


def test_a_shared_users_page_shows_only_memberships_of_the_administrators_shops(
    client, shop, admin, shared, other_shop
):
    client.force_login(admin)
    response = client.get(f"/admin/accounts/user/{shared.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "North Shop" in body and other_shop.name not in body
    (inline,) = response.context["inline_admin_formsets"]
    assert [form.instance.shop for form in inline.formset.forms] == [shop]


def test_form_choices_offer_only_the_administrators_shops_and_people(
    client, shop, admin, shared, outsider
):
    client.force_login(admin)
    add = client.get("/admin/accounts/membership/add/")
    assert list(add.context["adminform"].form.fields["shop"].queryset) == [shop]
    page = client.get(f"/admin/accounts/shop/{shop.pk}/change/")
    (inline,) = page.context["inline_admin_formsets"]
    people = inline.formset.form.base_fields["user"].queryset
    assert shared in people and outsider not in people
    refused = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        inline_post(shop, [{"user": outsider.pk, "role": "viewer"}]),
    )
    assert refused.status_code == 200  # the inline row comes back with an error
    assert not Membership.objects.filter(shop=shop, user=outsider).exists()


def test_shop_administrator_adds_a_person_of_their_shops_on_the_shop_page(client, shop, admin):
    second = ShopFactory(slug="second-shop", name="Second Shop")
    membership_grant(shop=second, user=admin, role=Role.ADMINISTRATOR, actor=None)
    packer_there = member(shop=second, role=Role.FULFILMENT)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        inline_post(shop, [{"user": packer_there.pk, "role": "viewer"}]),
    )
    assert response.status_code == 302
    assert set(get_perms(packer_there, shop)) == {"view_orders", "view_insights"}
    assert AuditEvent.objects.filter(action="role_granted", actor=admin, shop=shop).exists()


@pytest.mark.parametrize(
    "field, model", [("shop", "membership"), ("user", "membership"), ("shop", "savedview")]
)
def test_autocomplete_offers_only_the_administrators_shops_and_people(
    client, shop, admin, shared, outsider, other_shop, field, model
):
    client.force_login(admin)
    app = "orders" if model == "savedview" else "accounts"
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app, "model_name": model, "field_name": field, "term": ""},
    )
    assert response.status_code == 200
    shown = {row["text"] for row in response.json()["results"]}
    assert shown, "the administrator's own shop and people are offered"
    assert not shown & {other_shop.name, outsider.email}


def test_superusers_still_see_every_shop(client, superuser, shop, other_shop, shared):
    client.force_login(superuser)
    choices = _filter_choices(client.get("/admin/accounts/membership/"))
    assert {shop.name, other_shop.name} <= set(choices)
    users = client.get("/admin/accounts/user/")
    assert "Accountant @ South Shop" in users.content.decode()
    assert "is_staff" in users.context["cl"].list_display
    accountants = client.get("/admin/accounts/user/", {"memberships__role__exact": "accountant"})
    assert shared in accountants.context["cl"].queryset
    add = client.get("/admin/accounts/membership/add/")
    assert set(add.context["adminform"].form.fields["shop"].queryset) == {shop, other_shop}
