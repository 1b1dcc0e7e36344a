"""A member makes an API token on the account page, sees it once, uses it and revokes it; the
API docs page (Swagger UI from our own static files) loads under the CSP."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import ShopFactory, member
from tests.browser.conftest import HOME, fits_the_screen, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shops_status(secret: str) -> int:
    return Client().get("/api/v1/shops/", headers={"Authorization": f"Bearer {secret}"}).status_code


def test_a_member_makes_a_token_sees_it_once_and_revokes_it(page):
    shop = ShopFactory(slug="north-shop", name="North Shop")
    person = member(shop=shop, role=Role.VIEWER, email="viewer@example.test")
    sign_in(page, person.email)
    expect(page).to_have_url(HOME)

    page.locator("summary", has_text="Account").first.click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Warehouse sync")
    page.get_by_role("button", name="Create token").click()

    secret_box = page.locator("#token-secret")
    expect(secret_box).to_be_visible()
    secret = secret_box.inner_text().strip()
    assert re.fullmatch(r"sc_pat_\w{8}_[\w-]{43}", secret)
    assert _shops_status(secret) == 200
    fits_the_screen(page)
    screenshot(page, "api-tokens")

    page.goto("/accounts/tokens/")  # shown once: not again
    expect(page.locator("#token-secret")).to_have_count(0)
    row = page.locator("#tokens-mine tbody tr", has_text="Warehouse sync")
    expect(row).to_contain_text("North Shop")
    expect(row).to_contain_text("Read orders")
    row.get_by_role("button", name="Revoke Warehouse sync").click()
    expect(page.get_by_text("Revoked “Warehouse sync”. It no longer works.")).to_be_visible()
    expect(page.locator("#tokens-mine tbody tr", has_text="Warehouse sync")).to_contain_text(
        "Revoked"
    )
    assert _shops_status(secret) == 401


def test_the_api_docs_page_loads_without_console_errors(page):
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Seller Center API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/orders/", exact=True).first).to_be_visible()
    page.get_by_text("List orders").click()  # an operation opened: its parameters drawn
    expect(page.get_by_text("Total at least").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs")
