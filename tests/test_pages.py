"""Login, the overview, navigation and the error pages, through HTTP."""

import pytest
from django.test import Client

from accounts.models import AuditEvent
from accounts.roles import Role
from tests.accounts.factories import PASSWORD
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_login_page_renders_an_email_form(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'type="email"' in response.content and b"csrfmiddlewaretoken" in response.content


def test_login_with_a_wrong_password_says_so_and_is_audited(client, viewer):
    response = client.post("/accounts/login/", {"username": viewer.email, "password": "nope"})
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor_email == viewer.email and failed.ip_address == "127.0.0.1"


def test_login_is_audited_and_redirects_to_next_inside_the_site(client, viewer):
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"username": viewer.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert AuditEvent.objects.filter(action="login", actor=viewer).exists()


def test_login_never_redirects_off_site(client, viewer):
    response = client.post(
        "/accounts/login/",
        {"username": viewer.email, "password": PASSWORD, "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_logout_is_a_post_and_is_audited(client, viewer):
    client.force_login(viewer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert AuditEvent.objects.filter(action="logout", actor=viewer).exists()


def test_overview_counts_only_my_shops_orders(client, shop, other_shop, viewer):
    OrderFactory.create_batch(3, shop=shop, status="IN_TRANSIT")
    OrderFactory(shop=other_shop, status="IN_TRANSIT")
    client.force_login(viewer)
    response = client.get("/")
    shops = response.context["shops"]
    assert [entry.shop for entry in shops] == [shop]
    assert shops[0].total == 3 and shops[0].by_status == {"IN_TRANSIT": 3}
    assert shops[0].role == Role.VIEWER
    assert "South Shop" not in response.content.decode()


def test_overview_counts_orders_due_to_ship(client, shop, packer):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=now + timedelta(hours=5))
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=now - timedelta(hours=5))
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=now + timedelta(days=2))
    client.force_login(packer)
    entry = client.get("/").context["shops"][0]
    assert (entry.needs_action["ship_within_24h"], entry.needs_action["overdue"]) == (1, 1)


def test_user_without_a_shop_sees_how_to_get_one(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert "not a member of any shop" in client.get("/").content.decode()


def test_buyer_text_is_escaped(client, shop, admin):
    OrderFactory(shop=shop)
    shop.name = "<script>alert(1)</script>"
    shop.save(update_fields=["name"])
    client.force_login(admin)
    body = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_navigation_shows_admin_only_to_staff(client, admin, viewer, superuser):
    client.force_login(viewer)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    for staff in (admin, superuser):  # shop administrators are staff by their role
        client.force_login(staff)
        assert 'href="/admin/"' in client.get("/").content.decode()


@pytest.mark.urls("tests.urls_for_errors")
def test_403_page_names_the_missing_permission(client, viewer, accountant):
    client.force_login(viewer)
    response = client.get("/test/needs-export/")
    assert response.status_code == 403
    assert "Export orders and download exports" in response.content.decode()
    client.force_login(accountant)
    assert client.get("/test/needs-export/").content == b"exported"


@pytest.mark.urls("tests.urls_for_errors")
def test_404_and_500_pages_use_our_layout(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    missing = client.get("/orders/does-not-exist/")
    assert missing.status_code == 404 and "couldn't find that page" in missing.content.decode()
    failed = client.get("/test/explode/")
    assert failed.status_code == 500
    assert "Something went wrong on our side" in failed.content.decode()


def test_pages_carry_a_content_security_policy_without_inline_script(client, viewer):
    client.force_login(viewer)
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
