"""A person signs in with a demo login, reads the overview, and an administrator opens admin."""

import pytest
from django.core.management import call_command

from demo.seed import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", orders=400, verbosity=0)


def _sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """From the front door: a signed-out visitor is sent to sign in."""
    page.goto("/")
    assert "/accounts/login/" in page.url
    sign_in(page, email, password)


def test_wrong_password_shows_a_clear_error(page, demo):
    _sign_in(page, "cs@demo.test", "not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("That email and password")
    screenshot(page, "login-error")


def test_customer_service_signs_in_and_sees_only_their_shop(page, demo):
    _sign_in(page, "cs@demo.test")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert page.get_by_role("heading", name="Glow & Go (US)").is_visible()
    assert page.get_by_text("Glow & Go (UK)").count() == 0
    assert page.get_by_text("Customer service").first.is_visible()
    assert page.get_by_role("link", name="Admin").count() == 0
    screenshot(page, "overview")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    screenshot(page, "login")


def test_the_two_shop_member_sees_both_shops_on_a_phone(phone_page, demo):
    _sign_in(phone_page, "manager@demo.test")
    phone_page.wait_for_url("**/")
    assert phone_page.get_by_role("heading", name="Glow & Go (US)").is_visible()
    assert phone_page.get_by_role("heading", name="Glow & Go (UK)").is_visible()
    screenshot(phone_page, "overview-phone")


def test_administrator_browses_demo_orders_in_django_admin(page, demo):
    _sign_in(page, "root@demo.test")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Admin").click()
    page.wait_for_url("**/admin/")
    screenshot(page, "admin-index")
    page.locator('#content-main a[href="/admin/orders/order/"]').first.click()
    page.wait_for_url("**/admin/orders/order/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 50
    screenshot(page, "admin-orders", full_page=False)
    rows.first.locator("th a").click()
    page.wait_for_selector("text=Payment")
    assert page.get_by_role("heading", name="Order lines").is_visible()
    screenshot(page, "admin-order-detail", full_page=False)
