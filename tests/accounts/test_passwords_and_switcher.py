"""Password change and reset by email, and the shop switcher in the header."""

import re

import pytest
from django.core import mail

from accounts.models import AuditEvent
from tests.accounts.factories import PASSWORD
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-better-passphrase-2026"


def test_password_change_needs_the_old_password_and_is_audited(client, viewer):
    client.force_login(viewer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (
        response.status_code == 200
        and "old password was entered incorrectly" in response.content.decode()
    )
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/password/done/"
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_changed", actor=viewer).exists()


def test_password_reset_by_email_link_works_once(client, viewer):
    response = client.post("/accounts/password-reset/", {"email": viewer.email})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/reset/done/"
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_reset", actor=viewer).exists()

    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_email_looks_the_same(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


@pytest.fixture
def two_shop_member(shop, other_shop):
    from accounts.roles import Role
    from tests.accounts.factories import member

    user = member(shop=shop, role=Role.VIEWER, email="both@example.test")
    from accounts.services import membership_grant

    membership_grant(shop=other_shop, user=user, role=Role.ACCOUNTANT, actor=None)
    return user


def test_switcher_lists_my_shops_and_remembers_the_choice(
    client, shop, other_shop, two_shop_member
):
    OrderFactory(shop=shop)
    OrderFactory(shop=other_shop)
    client.force_login(two_shop_member)
    page = client.get("/").content.decode()
    assert 'name="shop"' in page and "South Shop" in page and "North Shop" in page

    response = client.post("/accounts/shop/", {"shop": other_shop.slug, "next": "/"})
    assert response["Location"] == "/"
    two_shop_member.refresh_from_db()
    assert two_shop_member.preferred_shop == other_shop
    assert [e.shop for e in client.get("/").context["shops"]] == [other_shop]

    client.post("/accounts/shop/", {"shop": "", "next": "/"})
    assert {e.shop for e in client.get("/").context["shops"]} == {shop, other_shop}


def test_switcher_refuses_another_shop_and_off_site_next(client, viewer, other_shop):
    client.force_login(viewer)
    response = client.post(
        "/accounts/shop/", {"shop": other_shop.slug, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    viewer.refresh_from_db()
    assert viewer.preferred_shop is None
