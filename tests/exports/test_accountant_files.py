"""Files an accountant can open: Excel columns as wide as their content
with a filter on the header row; the orders report's times as real date-times in Excel and
ISO 8601 in CSV, its header naming the zone; ids without TikTok's trailing tab outside
TikTok's template, which keeps it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from exports import writers, xlsx
from orders.models import Order
from tests.exports.helpers import as_dicts, csv_rows, generate, make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
KL = ZoneInfo("Asia/Kuala_Lumpur")
ORDER_ID = "578123456789012345"


@pytest.fixture
def kl_order(kl_shop):
    return OrderFactory(
        shop=kl_shop,
        order_id=ORDER_ID,
        create_time=datetime(2026, 3, 1, 23, 30, tzinfo=KL),
        paid_time=datetime(2026, 3, 1, 23, 31, 5, tzinfo=KL),
        buyer_message="A long message " * 20,  # 300 characters: wider than the widest column
    )


def _sheet(path):
    return load_workbook(path).active


def _widths(sheet, headers):
    return {
        header: sheet.column_dimensions[xlsx.column_letter(n)].width
        for n, header in enumerate(headers, 1)
    }


def test_orders_xlsx_times_are_shop_local_date_times(admin, kl_order, tmp_path):
    _, path = generate(make_job(admin, [kl_order.shop], format="xlsx", template="orders"), tmp_path)
    sheet = _sheet(path)
    headers = [cell.value for cell in sheet[1]]
    assert "Created time (Asia/Kuala_Lumpur)" in headers
    assert "Paid time (Asia/Kuala_Lumpur)" in headers
    created = sheet.cell(row=2, column=headers.index("Created time (Asia/Kuala_Lumpur)") + 1)
    assert created.is_date and created.number_format == "yyyy-mm-dd hh:mm:ss"
    assert created.value == datetime(2026, 3, 1, 23, 30)  # naive: Excel has no zones
    order_id = sheet.cell(row=2, column=headers.index("Order ID") + 1)
    assert order_id.data_type == "s" and order_id.value == ORDER_ID  # text, no tab


def test_orders_csv_has_iso_times_and_plain_ids(admin, kl_order, tmp_path):
    _, path = generate(make_job(admin, [kl_order.shop], template="orders"), tmp_path)
    data = path.read_bytes()
    rows = csv_rows(data)
    assert rows[0][:5] == [
        "Order ID",
        "Shop",
        "Status",
        "Created time (Asia/Kuala_Lumpur)",
        "Paid time (Asia/Kuala_Lumpur)",
    ]
    (row,) = as_dicts(rows)
    assert row["Order ID"] == ORDER_ID
    assert row["Created time (Asia/Kuala_Lumpur)"] == "2026-03-01T23:30:00+08:00"
    assert row["Paid time (Asia/Kuala_Lumpur)"] == "2026-03-01T23:31:05+08:00"
    assert b"\t" not in data  # the tab is TikTok's, not ours


def test_custom_report_ids_have_no_tab_either(admin, kl_order, tmp_path):
    columns = [{"key": "order_id", "label": "Order"}, {"key": "sku_id", "label": "SKU"}]
    job = make_job(admin, [kl_order.shop], template="custom", columns=columns)
    _, path = generate(job, tmp_path)
    assert b"\t" not in path.read_bytes()


@pytest.mark.parametrize("use_copy", [False, True], ids=["orm", "copy"])
def test_tiktok_csv_keeps_its_trailing_tabs(admin, kl_order, tmp_path, use_copy):
    _, path = generate(make_job(admin, [kl_order.shop]), tmp_path, use_copy=use_copy)
    data = path.read_bytes()
    assert data.splitlines()[1].startswith(f"{ORDER_ID}\t,".encode())
    assert b",03/01/2026 11:30:00 PM\t,03/01/2026 11:31:05 PM\t," in data


def test_orders_copy_path_writes_plain_ids(postgres, admin, kl_order, tmp_path):
    _, path = generate(make_job(admin, [kl_order.shop], template="orders"), tmp_path, use_copy=True)
    data = path.read_bytes()
    assert data.splitlines()[1].startswith(f"{ORDER_ID},".encode()) and b"\t" not in data


def test_xlsx_columns_fit_their_content_within_bounds(admin, kl_order, tmp_path):
    columns = [
        {"key": "order_id", "label": "Order ID"},
        {"key": "tax", "label": "Tax"},
        {"key": "created", "label": "Created"},
        {"key": "buyer_message", "label": "Buyer message"},
    ]
    job = make_job(admin, [kl_order.shop], format="xlsx", template="custom", columns=columns)
    _, path = generate(job, tmp_path)
    sheet = _sheet(path)
    headers = [cell.value for cell in sheet[1]]
    widths = _widths(sheet, headers)
    assert widths["Order ID"] == len(ORDER_ID) + 2  # the id, with a little room
    assert widths["Tax"] == xlsx.MIN_WIDTH  # "0.00" is narrower than the least width
    # "2026-03-01 23:30:00" is shorter than its header with the filter button.
    assert widths["Created (Asia/Kuala_Lumpur)"] == len("Created (Asia/Kuala_Lumpur)") + 4
    assert widths["Buyer message"] == xlsx.MAX_WIDTH  # 300 characters, bounded


def test_xlsx_header_row_has_an_autofilter_on_every_sheet(admin, kl_shop, tmp_path, monkeypatch):
    for _ in range(3):
        OrderFactory(shop=kl_shop)
    monkeypatch.setattr(writers, "XLSX_MAX_DATA_ROWS", 2)
    _, path = generate(make_job(admin, [kl_shop], format="xlsx"), tmp_path)
    book = load_workbook(path)
    lines = sum(order.lines.count() for order in Order.objects.all())
    sheets = {sheet.title: sheet.auto_filter.ref for sheet in book}
    assert sheets["Orders"] == "A1:BE3"  # TikTok's 57 columns, header and two rows
    assert sheets[f"Orders ({len(sheets)})"] == f"A1:BE{1 + (lines - 1) % 2 + 1}"
    assert all(sheet.freeze_panes == "A2" for sheet in book)


def test_an_empty_xlsx_filters_its_header_row(accountant, kl_shop, tmp_path):
    job = make_job(accountant, [kl_shop], format="xlsx", template="orders")
    _, path = generate(job, tmp_path)
    sheet = _sheet(path)
    assert sheet.auto_filter.ref == "A1:Z1" and sheet.max_row == 1
    assert sheet.column_dimensions["A"].width == len("Order ID") + 4


def test_widths_come_from_the_sampled_rows_only(admin, kl_shop, tmp_path, monkeypatch):
    """Memory stays flat: rows after the sample are written as they come, unmeasured."""
    monkeypatch.setattr(xlsx, "SAMPLE_ROWS", 1)
    OrderFactory(shop=kl_shop, seller_note="short", create_time=datetime(2026, 3, 2, tzinfo=KL))
    OrderFactory(shop=kl_shop, seller_note="x" * 40, create_time=datetime(2026, 3, 1, tzinfo=KL))
    columns = [{"key": "seller_note", "label": "Note"}]
    job = make_job(admin, [kl_shop], format="xlsx", template="custom", columns=columns)
    _, path = generate(job, tmp_path)
    sheet = _sheet(path)
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["short", "x" * 40]
    assert sheet.column_dimensions["A"].width == xlsx.MIN_WIDTH


def test_xlsx_times_are_whole_seconds_as_in_csv(admin, kl_shop, tmp_path):
    OrderFactory(shop=kl_shop, create_time=datetime(2026, 3, 1, 23, 30, 5, 987654, tzinfo=KL))
    job = make_job(admin, [kl_shop], format="xlsx", template="orders")
    _, path = generate(job, tmp_path)
    assert _sheet(path)["D2"].value == datetime(2026, 3, 1, 23, 30, 5)
