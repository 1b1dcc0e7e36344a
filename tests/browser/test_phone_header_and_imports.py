"""On a phone (390 px): the header's account menu keeps a name ("Account"), and the import
page's recent imports stack one card per import instead of running past the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HOME, fits_the_screen, screenshot, sign_in
from tests.imports.tiktok_files import sku_csv, sku_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_account_menu_has_a_name_and_recent_imports_fit(
    phone_page, page, admin, shop, tmp_path
):
    page_ = phone_page
    sign_in(page_, admin.email)
    page_.wait_for_url(HOME)
    menu = page_.locator(".account-menu summary")
    expect(menu).to_be_visible()
    assert menu.inner_text().strip() == "Account"  # not a bare "▾" beside "Sign out"
    screenshot(page_, "phone-header-account", full_page=False)
    menu.click()
    expect(page_.get_by_role("link", name="Two-factor authentication")).to_be_visible()

    path = tmp_path / "tiktok-orders-export-from-seller-center-december.csv"
    path.write_bytes(sku_csv(sku_row()))
    page_.goto("/orders/import/")
    page_.get_by_label("File", exact=True).set_input_files(str(path))
    page_.get_by_role("button", name="Preview").click()
    page_.get_by_role("button", name="Import", exact=True).click()
    page_.goto("/orders/import/")
    history = page_.locator(".imports-table tbody tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td[data-label=Outcome]")).to_contain_text("1 order was created")
    fits_the_screen(page_)
    screenshot(page_, "phone-import-history")

    # On a desktop the header still says whose account it is.
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    desktop_menu = page.locator(".account-menu summary")
    assert desktop_menu.inner_text().strip() == admin.get_full_name()
