"""The accountant's export journey in a real browser.

The journey: filter the order list to last month, select all matching orders, "Export…" as
Excel with the TikTok order SKU list, follow the job on /exports/ while a real Celery worker
writes it (htmx polls the table; no reload), download the file and read it back. In a shop
in Kuala Lumpur, the orders report of the list's status and carrier filters: counted before
it starts, listed with its filters in words and its time in the shop's zone, and opened as
an accountant would (dates, widths, filter). Beside it: a custom report is made on its own
page and listed on /exports/.
"""

import re
import signal
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from exports.models import ExportJob, ExportReport, ExportStatus
from orders.models import OrderLine, Package
from orders.periods import period_range
from orders.statuses import OrderStatus
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_NAME = "Monthly reconciliation"


def _sign_in(page, email):
    sign_in(page, email)
    page.wait_for_url(HOME)


def _wait_for_htmx(page) -> None:
    """Until no htmx request is in flight or settling."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


@contextmanager
def _worker_paused(worker):
    """Hold the (single-process) worker with SIGSTOP, so the page is seen while the job is
    still queued however fast the file is written; SIGCONT always lets it go again."""
    worker.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        worker.send_signal(signal.SIGCONT)


def _is_poll_of_exports(response) -> bool:
    request = response.request
    return urlsplit(request.url).path == "/exports/" and request.headers.get("hx-request") == "true"


@pytest.fixture
def last_month_orders(shop):
    """Four orders inside last month in the shop's zone (America/Los_Angeles), one outside.

    The edges are local: 00:30 on the 1st and 23:30 on the last day belong to last month,
    23:30 on the day before it does not (though it is already last month in UTC).
    """
    start, end = period_range("last_month", shop.zone, timezone.now())
    inside = [
        OrderFactory(shop=shop, status=status, create_time=created)
        for status, created in [
            (OrderStatus.COMPLETED, start + timedelta(minutes=30)),
            (OrderStatus.DELIVERED, start + timedelta(days=6)),
            (OrderStatus.IN_TRANSIT, start + timedelta(days=15)),
            (OrderStatus.AWAITING_SHIPMENT, end - timedelta(minutes=30)),
        ]
    ]
    OrderFactory(shop=shop, status=OrderStatus.DELIVERED, create_time=start - timedelta(minutes=30))
    return inside


def test_accountant_exports_last_month_as_excel_and_downloads_it(
    page, celery_worker, accountant, shop, last_month_orders, tmp_path
):
    _sign_in(page, accountant.email)
    page.goto("/orders/")

    # Last month, in the shop's time zone: only the four orders inside it are listed.
    page.get_by_label("Period").select_option("last_month")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("period") == ["last_month"])
    rows = page.locator("table.orders-table tbody tr")
    expect(rows.locator(".order-id")).to_have_text(
        [order.order_id for order in reversed(last_month_orders)]
    )
    _wait_for_htmx(page)

    # All matching orders, then "Export…": the new-export page describes the filters.
    page.get_by_label("Select all matching orders").check()
    page.get_by_role("button", name="Export…").click()
    expect(page.get_by_role("heading", name="New export", level=1)).to_be_visible()
    expect(page.locator("ul.chips li.chip")).to_contain_text(["Created last month"])
    expect(page.locator(".export-count")).to_have_text("This export will contain 4 orders.")
    page.get_by_label("Format").select_option(label="Excel (XLSX)")
    page.get_by_label("Template").select_option(label="TikTok order SKU list")

    with _worker_paused(celery_worker):
        page.get_by_role("button", name="Start export").click()
        page.wait_for_url(re.compile(r"/exports/$"))
        job = ExportJob.objects.get(requested_by=accountant)
        assert (job.format, job.template) == ("xlsx", "tiktok_sku_list")
        assert parse_qs(job.query_string).get("period") == ["last_month"]
        assert list(job.shops.all()) == [shop]
        expect(page.get_by_role("status")).to_contain_text(f"Export #{job.pk} is queued")

        row = page.locator("table.exports-table tbody tr").filter(
            has=page.get_by_role("link", name=f"#{job.pk}", exact=True)
        )
        status = row.locator("td[data-label='Status']")
        expect(status).to_have_text("Queued")
        expect(row.get_by_role("link", name="Download")).to_have_count(0)
        # The table polls itself while the job is active; mark this document to tell a
        # later reload (which would drop the mark) from an htmx swap (which keeps it).
        page.evaluate("window.sameDocument = true")
        with page.expect_response(_is_poll_of_exports):
            pass
        expect(status).to_have_text("Queued")

    # The worker runs it; the status cell turns to Done in place.
    expect(status).to_have_text("Done", timeout=60_000)
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    expect(row.locator("td[data-label='Rows']")).to_have_text(
        f"{job.rows_total} / {job.rows_total}"
    )
    expect(row.locator("td[data-label='SHA-256'] code")).to_have_attribute("title", job.sha256)
    expect(row.locator(".export-filters")).to_have_text("Created last month")
    _wait_for_htmx(page)
    expect(page.locator("#jobs[hx-trigger]")).to_have_count(0)  # no polling once finished

    # Opened again later (for the README's picture, without the "is queued" message).
    page.goto("/exports/")
    expect(status).to_have_text("Done")
    screenshot(page, "exports")

    # Download it and read it back.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path, read_only=True)
    header, *data = [list(r) for r in book["Orders"].iter_rows(values_only=True)]
    book.close()
    assert header[:2] == ["Order ID", "Order Status"]
    lines = OrderLine.objects.filter(order__in=last_month_orders)
    assert len(data) == lines.count() == job.rows_total
    assert {str(r[0]).strip() for r in data} == {o.order_id for o in last_month_orders}


def test_accountant_makes_a_custom_report(page, accountant):
    _sign_in(page, accountant.email)
    page.goto("/exports/reports/new/")
    expect(page.get_by_role("heading", name="New custom report", level=1)).to_be_visible()
    page.get_by_label("Name", exact=True).fill(REPORT_NAME)
    page.get_by_label("Order ID", exact=True).check()
    page.get_by_label("Created", exact=True).check()
    page.get_by_label("Header for Created").fill("Order date")
    page.get_by_role("button", name="Save report").click()

    page.wait_for_url(re.compile(r"/exports/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Report “{REPORT_NAME}” saved.")
    reports = page.locator("#reports")
    expect(reports.get_by_role("link", name=REPORT_NAME)).to_be_visible()
    expect(reports.locator("li", has_text=REPORT_NAME)).to_contain_text("2 columns")
    report = ExportReport.objects.get(owner=accountant)
    assert report.columns == [
        {"key": "order_id", "label": "Order ID"},
        {"key": "created", "label": "Order date"},
    ]


@pytest.fixture
def kl_in_transit(shop):
    """A shop in Kuala Lumpur: two orders in transit with J&T, one with another carrier."""
    shop.timezone = "Asia/Kuala_Lumpur"
    shop.save(update_fields=["timezone"])
    orders = [OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT) for _ in range(3)]
    for order, carrier in zip(orders, ["J&T", "J&T", "Pos Laju"], strict=True):
        Package.objects.filter(order=order).update(shipping_provider_name=carrier)
    return orders[:2]


def test_accountant_exports_the_orders_report_in_the_shops_zone(
    page, celery_worker, accountant, shop, kl_in_transit, tmp_path
):
    _sign_in(page, accountant.email)
    page.goto("/orders/?status=IN_TRANSIT&carrier=J%26T")
    expect(page.locator("table.orders-table tbody tr")).to_have_count(2)
    _wait_for_htmx(page)
    page.get_by_label("Select all matching orders").check()
    page.get_by_role("button", name="Export…").click()

    # Before it starts: how many orders the file will hold, counted as the worker selects.
    expect(page.locator(".export-count")).to_have_text("This export will contain 2 orders.")
    page.get_by_label("Format").select_option(label="Excel (XLSX)")
    page.get_by_label("Template").select_option(label="Orders with totals")
    screenshot(page, "export-new-count")
    page.get_by_role("button", name="Start export").click()
    page.wait_for_url(re.compile(r"/exports/$"))
    job = ExportJob.objects.get(requested_by=accountant)

    # The list: filters in words, the requested time in the shop's zone.
    row = page.locator("table.exports-table tbody tr").filter(
        has=page.get_by_role("link", name=f"#{job.pk}", exact=True)
    )
    expect(row.locator("td[data-label='Status']")).to_have_text("Done", timeout=60_000)
    expect(row.locator(".export-filters")).to_have_text("Status: In transit; Carrier: J&T")
    expect(page.locator("table.exports-table thead")).to_contain_text(
        "Requested (Asia/Kuala_Lumpur)"
    )
    local = timezone.localtime(job.created_at, shop.zone)
    expect(row.locator("td[data-label='Requested'] time")).to_have_text(
        f"{local:%b} {local.day}, {local:%H:%M}"
    )
    _wait_for_htmx(page)
    page.goto("/exports/")
    screenshot(page, "exports-words-and-zone")

    # Opened as an accountant would: date-times, fitted columns, a filter on the header.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Order ID", "Shop", "Status", "Created time (Asia/Kuala_Lumpur)"]
    assert sheet.auto_filter.ref == f"A1:Z{len(kl_in_transit) + 1}"
    created = sheet.cell(row=2, column=4)
    assert created.is_date and created.number_format == "yyyy-mm-dd hh:mm:ss"
    newest = max(kl_in_transit, key=lambda order: order.create_time)
    created_local = timezone.localtime(newest.create_time, shop.zone)
    assert created.value == created_local.replace(tzinfo=None, microsecond=0)
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "D")]
    assert widths == [len("578000000000000000") + 2, len(header[3]) + 4]

    # The job's own page says the same in words and in the shop's zone.
    page.get_by_role("link", name=f"#{job.pk}", exact=True).click()
    facts = page.locator("#export-status dl")
    expect(facts).to_contain_text("Status: In transit; Carrier: J&T")
    expect(facts).to_contain_text(f"{local:%b} {local.day}, {local:%Y %H:%M} Asia/Kuala_Lumpur")
    expect(facts).to_contain_text("2 of 2 rows")
    screenshot(page, "export-detail-words")
