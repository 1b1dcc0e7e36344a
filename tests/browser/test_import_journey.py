"""An administrator imports a TikTok order file: upload, preview with a bad row, apply
without it, and find the imported order in the list; a buyer message that looks like a
formula is a notice, and "view the imported orders" lists just the imported ones."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row
from tests.orders.factories import OrderFactory

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
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Preview: tiktok-orders.csv")).to_be_visible()
    errors = page.locator("table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("lots")
    assert not Order.objects.exists()
    screenshot(page, "import-preview")

    # One click: the button is the choice (F13), the sentence above it says what it leaves out.
    expect(
        page.get_by_text("The order with bad rows is left out and the rest imported.")
    ).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    page.get_by_role("button", name="Import without the bad rows").click()
    expect(page.get_by_role("status")).to_contain_text("1 order was created")
    expect(page.get_by_role("link", name="576123400000000007")).to_be_visible()
    assert list(Order.objects.values_list("order_id", flat=True)) == ["576123400000000007"]


def test_a_large_file_is_checked_by_a_worker_while_the_page_shows_progress(
    page, celery_worker, admin, shop, settings, tmp_path
):
    settings.IMPORT_INLINE_BYTES = 10  # every upload goes to the worker
    path = tmp_path / "big-orders.csv"
    path.write_bytes(_csv(*(_row(**{"Order ID": f"5761234{n:011d}\t"}) for n in range(1, 301))))
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.goto("/orders/import/")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()
    # The page polls the job with htmx and reloads itself when the worker is done.
    expect(page.get_by_role("heading", name="What importing would do")).to_be_visible(
        timeout=60_000
    )
    expect(page.locator(".facts")).to_contain_text("300")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible(timeout=60_000)
    assert Order.objects.filter(shop=shop).count() == 300
    page.get_by_role("link", name="View the imported orders").click()
    expect(page.get_by_role("link", name="576123400000000300")).to_be_visible()


def test_formula_looking_buyer_text_is_a_notice_and_the_imported_orders_are_listed(
    page, admin, shop, tmp_path
):
    OrderFactory(shop=shop, order_id="576999900000000001")  # in the shop before the import
    path = tmp_path / "OrderSKUList.csv"
    message = '=HYPERLINK("http://evil.test","<b>Track my parcel</b>")'
    path.write_bytes(
        _csv(
            _row(**{"Order ID": "576123400000000021\t", "Buyer Message": message}),
            _row(**{"Order ID": "576123400000000022\t", "Seller Note": "- fragile, pack well"}),
        )
    )
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.goto("/orders/import/")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()

    notices = page.locator("section[aria-labelledby=h-notices]")
    expect(notices).to_contain_text(
        "2 cells begin with = + - or @ and are kept as typed; exports write them behind a '"
    )
    # the literal text, no markup; a seller's "- fragile" is listed too (F14)
    expect(notices.locator("code")).to_have_text([message, "- fragile, pack well"])
    expect(page.get_by_role("heading", name="Bad rows")).to_have_count(0)
    screenshot(page, "import-preview-notice")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported from OrderSKUList.csv")).to_be_visible()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="576999900000000001")).to_have_count(0)
    screenshot(page, "import-imported-orders")
    page.get_by_role("link", name="576123400000000021").click()
    expect(page.locator(".buyer-message")).to_have_text(message)


def test_django_admin_import_tells_which_cells_look_like_formulas(page, superuser, shop, tmp_path):
    order = OrderFactory(shop=shop, seller_note="old")
    note = '=HYPERLINK("http://evil.test","<b>Track</b>")'
    path = tmp_path / "orders.csv"
    quoted = note.replace('"', '""')
    path.write_text(f'shop,order_id,seller_note\n{shop.slug},{order.order_id},"{quoted}"\n')
    sign_in(page, superuser.email)
    page.wait_for_url("**/")
    page.goto("/admin/orders/order/import/")
    page.get_by_label("File to import").set_input_files(str(path))
    page.get_by_label("Format").select_option("csv")
    page.get_by_role("button", name="Submit").click()

    warning = page.locator(".messagelist .warning")
    expect(warning).to_contain_text("1 cell begins with = + - or @")
    expect(warning).to_contain_text(f"row 2, seller_note: {note}")  # the literal text, no markup
    screenshot(page, "admin-import-formula-notice", full_page=False)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    order.refresh_from_db()
    assert order.seller_note == note
