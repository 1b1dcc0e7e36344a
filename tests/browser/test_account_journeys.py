"""Journeys of SPEC §4/§12 in a real browser: two-factor set-up and sign-in, and an
administrator granting a role in Django admin that the new member then uses."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Shop
from tests.accounts.factories import UserFactory
from tests.accounts.test_two_factor import code_for
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_sets_up_two_factor_then_signs_in_with_a_code(page, shop, viewer):
    OrderFactory(shop=shop)
    sign_in(page, viewer.email)
    page.wait_for_url("**/")
    page.locator("summary").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    page.wait_for_url("**/accounts/two-factor/")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    screenshot(page, "two-factor-setup")

    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-factor").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in(page, viewer.email)
    page.wait_for_url("**/accounts/login/verify/")
    screenshot(page, "two-factor-verify")
    page.get_by_role("textbox", name="Code").fill(
        code_for(device, step_offset=1)
    )  # the next code, unused
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name=shop.name).is_visible()


def test_administrator_grants_a_role_in_admin_and_the_member_sees_the_shop(
    new_page, shop, superuser
):
    OrderFactory.create_batch(2, shop=shop)
    newcomer = UserFactory(email="newcomer@example.test")

    admin_page = new_page()
    sign_in(admin_page, superuser.email)
    admin_page.wait_for_url("**/")
    admin_page.goto(f"/admin/accounts/shop/{shop.pk}/change/")
    admin_page.get_by_text("Add another Membership").click()
    row = admin_page.locator("tr.dynamic-memberships").last
    row.locator(".select2-selection").click()  # the user field searches as you type
    admin_page.locator(".select2-search__field").fill("newcomer")
    admin_page.locator(".select2-results__option", has_text=newcomer.email).click()
    row.locator("select[name$='-role']").select_option("accountant")
    screenshot(admin_page, "admin-grant-role", full_page=False)
    admin_page.get_by_role("button", name="Save", exact=True).click()
    admin_page.wait_for_url("**/admin/accounts/shop/")
    assert newcomer.memberships.get().role == "accountant"

    member_page = new_page()
    sign_in(member_page, newcomer.email)
    member_page.wait_for_url("**/")
    assert member_page.get_by_role("heading", name=Shop.objects.get().name).is_visible()
    assert member_page.get_by_text("Accountant").first.is_visible()


def test_administrator_reviews_access_and_spots_a_member_without_two_factor(
    page, shop, admin, viewer
):
    shop.require_two_factor = True
    shop.save(update_fields=["require_two_factor"])
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(page, admin.email)
    page.wait_for_url("**/accounts/login/verify/")
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url(HOME)
    page.get_by_role("link", name="Access review").click()
    page.wait_for_url("**/accounts/access-review/")
    row = page.locator("tr", has_text=viewer.email)
    assert row.get_by_text("No two-factor (required)").is_visible()
    screenshot(page, "access-review")
