"""An administrator imports a TikTok order file: upload, preview with a bad row, apply
without it, and find the imported order in the list."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.test_import import _csv, _row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_imports_a_file_leaving_out_a_bad_row(page, admin, shop, tmp_path):
    path = tmp_path / "tiktok-orders.csv"
    path.write_bytes(
        _csv(
            _row(**{"Order ID": "576123400000000007\t", "Product Name": "Imported Hula Hoop"}),
            _row(**{"Order ID": "576123400000000008\t", "Quantity": "lots"}),
        )
    )
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_label("Import the good orders and leave out bad rows").check()
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Preview: tiktok-orders.csv")).to_be_visible()
    errors = page.locator("table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("lots")
    assert not Order.objects.exists()
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Import without the bad rows").click()
    expect(page.get_by_role("status")).to_contain_text("1 orders were created")
    expect(page.get_by_role("link", name="576123400000000007")).to_be_visible()
    assert list(Order.objects.values_list("order_id", flat=True)) == ["576123400000000007"]
