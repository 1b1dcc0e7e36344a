"""Export files read back cell by cell: TikTok's SKU list, the orders report, custom reports,
masking, formula neutralising, XLSX types and sheets, and the PostgreSQL COPY path."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.masking import mask_name, mask_phone, mask_username
from exports import writers
from exports.generate import ExportFailed
from orders.models import Order, OrderLine
from tests.accounts.factories import member
from tests.exports.helpers import (
    SKU_LIST_HEADER,
    as_dicts,
    csv_rows,
    generate,
    generate_csv,
    make_job,
    xlsx_rows,
)
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
PAYLOADS = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def orders(shop):
    """Three orders, one of them with buyer text that tries to become a formula."""
    made = [
        OrderFactory(
            shop=shop, status="IN_TRANSIT", create_time=datetime(2026, 3, 1, 18, tzinfo=LA)
        ),
        OrderFactory(shop=shop, status="DELIVERED", create_time=datetime(2026, 3, 2, 9, tzinfo=LA)),
        OrderFactory(
            shop=shop,
            status="AWAITING_SHIPMENT",
            create_time=datetime(2026, 3, 3, 23, 30, tzinfo=LA),
            buyer_message=PAYLOADS[0],
            recipient_name="=cmd|' /C calc'!A0",
            seller_note="@SUM(1+1)",
            recipient_phone="(+1)4155550121",
        ),
    ]
    return made


def test_sku_list_header_is_tiktoks_us_header(admin, shop, orders, tmp_path):
    rows = generate_csv(make_job(admin, [shop]), tmp_path)
    assert rows[0] == SKU_LIST_HEADER
    assert len(rows[0]) == 57


def test_sku_list_rows_match_the_database(admin, shop, orders, tmp_path):
    rows = as_dicts(generate_csv(make_job(admin, [shop]), tmp_path))
    lines = OrderLine.objects.filter(order__shop=shop).select_related("order", "package")
    assert len(rows) == lines.count()
    # Newest order first, lines in their order: TikTok's order.
    expected_ids = [
        f"{line.order.order_id}\t"
        for line in sorted(lines, key=lambda ln: (-ln.order.create_time.timestamp(), ln.pk))
    ]
    assert [r["Order ID"] for r in rows] == expected_ids
    for row in rows:
        line = next(
            ln
            for ln in lines
            if f"{ln.order.order_id}\t" == row["Order ID"] and f"{ln.sku_id}\t" == row["SKU ID"]
        )
        order = line.order
        assert row["Quantity"] == str(line.quantity)
        assert row["SKU Subtotal After Discount"] == str(line.subtotal_after_discount)
        assert row["Order Amount"] == str(order.total_amount)  # order money repeats per line
        assert row["Created Time"] == order.create_time.astimezone(LA).strftime(
            "%m/%d/%Y %I:%M:%S %p\t"
        )
        assert row["Tracking ID"] == (
            f"{line.package.tracking_number}\t"
            if line.package and line.package.tracking_number
            else ""
        )
        assert row["Buyer Username"] == order.buyer_username  # administrators see it plainly
    total = sum(Decimal(r["SKU Subtotal After Discount"]) for r in rows)
    assert total == sum(line.subtotal_after_discount for line in lines)


def test_status_words_are_tiktoks(admin, shop, orders, tmp_path):
    rows = as_dicts(generate_csv(make_job(admin, [shop]), tmp_path))
    pairs = {(r["Order Status"], r["Order Substatus"]) for r in rows}
    assert pairs == {
        ("Shipped", "In transit"),
        ("Delivered", "Delivered"),
        ("To ship", "Awaiting shipment"),
    }


def test_23_30_local_on_the_last_day_prints_that_day(admin, shop, tmp_path):
    OrderFactory(shop=shop, create_time=datetime(2026, 3, 31, 23, 30, tzinfo=LA))
    rows = as_dicts(
        generate_csv(
            make_job(admin, [shop], query_string="period=&date_from=2026-03-01&date_to=2026-03-31"),
            tmp_path,
        )
    )
    assert rows and all(r["Created Time"] == "03/31/2026 11:30:00 PM\t" for r in rows)


def test_formula_payloads_are_neutralised(admin, shop, orders, tmp_path):
    rows = as_dicts(generate_csv(make_job(admin, [shop]), tmp_path))
    risky = [r for r in rows if r["Seller Note"] == "'@SUM(1+1)"]
    assert risky
    for row in risky:
        assert row["Buyer Message"] == "'" + PAYLOADS[0]
        assert row["Recipient"] == "'=cmd|' /C calc'!A0"
    assert all(not r["Order Amount"].startswith("'") for r in rows)  # numbers stay numbers


def test_accountants_get_masked_buyer_data(accountant, shop, orders, tmp_path):
    rows = as_dicts(generate_csv(make_job(accountant, [shop]), tmp_path))
    order = orders[0]
    plain = next(r for r in rows if r["Order ID"] == f"{order.order_id}\t")
    assert plain["Buyer Username"] == mask_username(order.buyer_username) != ""
    assert plain["Recipient"] == mask_name(order.recipient_name) != ""
    risky = next(r for r in rows if r["Seller Note"] == "'@SUM(1+1)")
    assert risky["Phone #"] == mask_phone("(+1)4155550121") == "(+1)415****21"
    assert risky["Recipient"] == "'=*** /*** c***"  # masked, then neutralised
    assert plain["City"] == order.city != ""  # the area stays readable


def test_masking_follows_permissions_when_the_file_is_made(shop, orders, tmp_path):
    from accounts.services import membership_grant

    user = member(shop=shop, role="accountant")
    job = make_job(user, [shop])
    membership_grant(shop=shop, user=user, role="administrator", actor=None)
    rows = as_dicts(generate_csv(job, tmp_path))
    order = Order.objects.get(order_id=rows[0]["Order ID"].strip())
    assert rows[0]["Buyer Username"] == order.buyer_username


def test_losing_the_export_permission_fails_the_job(shop, orders, tmp_path):
    from accounts.services import membership_grant

    user = member(shop=shop, role="accountant")
    job = make_job(user, [shop])
    membership_grant(shop=shop, user=user, role="viewer", actor=None)
    with pytest.raises(ExportFailed, match="no longer have the export permission"):
        generate(job, tmp_path)


def test_ticked_orders_and_filters_select_rows(admin, shop, other_shop, orders, tmp_path):
    OrderFactory(shop=other_shop)  # never in this shop's file
    ticked = make_job(admin, [shop], order_keys=[orders[0].pk])
    assert {r["Order ID"] for r in as_dicts(generate_csv(ticked, tmp_path))} == {
        f"{orders[0].order_id}\t"
    }
    filtered = make_job(admin, [shop], template="orders", query_string="status=DELIVERED")
    assert [r["Order ID"] for r in as_dicts(generate_csv(filtered, tmp_path))] == [
        orders[1].order_id
    ]


def test_orders_template_has_iso_times_with_offset(admin, shop, orders, tmp_path):
    rows = generate_csv(make_job(admin, [shop], template="orders"), tmp_path)
    assert "Created time (America/Los_Angeles)" in rows[0]
    body = as_dicts(rows)
    assert len(body) == 3
    newest = body[0]
    assert newest["Created time (America/Los_Angeles)"] == "2026-03-03T23:30:00-08:00"
    assert newest["Time zone"] == "America/Los_Angeles"
    order = Order.objects.get(pk=orders[2].pk)
    assert newest["Order amount"] == str(order.total_amount)
    assert newest["Status"] == "Awaiting shipment"


def test_custom_report_columns_and_headers(admin, shop, orders, tmp_path):
    columns = [{"key": "order_id", "label": "Order"}, {"key": "total", "label": "Paid"}]
    job = make_job(admin, [shop], template="custom", columns=columns)
    rows = generate_csv(job, tmp_path)
    assert rows[0] == ["Order", "Paid"]
    assert len(rows) == 4  # one row per order: no line column picked
    with_lines = make_job(
        admin, [shop], template="custom", columns=[*columns, {"key": "seller_sku", "label": "SKU"}]
    )
    assert len(generate_csv(with_lines, tmp_path)) == 1 + OrderLine.objects.count()


def test_custom_report_with_unknown_column_fails(admin, shop, tmp_path):
    job = make_job(admin, [shop], template="custom", columns=[{"key": "password", "label": "x"}])
    with pytest.raises(ExportFailed, match="Unknown column"):
        generate(job, tmp_path)


def test_xlsx_cells_are_typed_and_header_is_frozen(admin, shop, orders, tmp_path):
    job = make_job(admin, [shop], format="xlsx")
    generated, path = generate(job, tmp_path)
    sheets = xlsx_rows(path)
    ((title, rows),) = sheets.items()
    assert title == "Orders" and rows[0] == SKU_LIST_HEADER
    body = as_dicts(rows)
    assert generated.rows == len(body) == OrderLine.objects.count()
    first = body[0]
    order = Order.objects.get(order_id=first["Order ID"])
    assert (
        isinstance(first["Order Amount"], float)
        and Decimal(str(first["Order Amount"])) == order.total_amount
    )
    assert first["Created Time"] == order.create_time.astimezone(LA).replace(tzinfo=None)
    assert isinstance(first["Quantity"], int)
    assert any(r["Seller Note"] == "'@SUM(1+1)" for r in body)  # text, not a formula
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["Z2"].number_format == "mm/dd/yyyy hh:mm:ss AM/PM"  # Created Time
    assert sheet["X2"].number_format == "0.00"  # Order Amount


def test_xlsx_continues_on_a_new_sheet_at_the_row_limit(admin, shop, orders, tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "XLSX_MAX_DATA_ROWS", 2)
    _, path = generate(make_job(admin, [shop], format="xlsx", template="orders"), tmp_path)
    sheets = xlsx_rows(path)
    assert list(sheets) == ["Orders", "Orders (2)"]
    assert [len(rows) for rows in sheets.values()] == [3, 2]  # header on every sheet


def test_every_shop_in_its_own_zone(admin, shop, other_shop, tmp_path):
    from accounts.services import membership_grant

    membership_grant(shop=other_shop, user=admin, role="administrator", actor=None)
    london = datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    OrderFactory(shop=other_shop, create_time=london)
    OrderFactory(shop=shop, create_time=datetime(2026, 7, 1, 0, 30, tzinfo=LA))
    rows = generate_csv(make_job(admin, [shop, other_shop], template="orders"), tmp_path)
    assert "Created time (shop time)" in rows[0]
    created = sorted(r["Created time (shop time)"] for r in as_dicts(rows))
    assert created == ["2026-07-01T00:30:00+01:00", "2026-07-01T00:30:00-07:00"]


def test_copy_path_writes_the_same_cells(postgres, admin, accountant, shop, orders, tmp_path):
    """PostgreSQL COPY (formatting, masking and neutralising in SQL) equals the Python path."""
    OrderFactory(shop=shop, status="CANCELLED", buyer_username="ab", recipient_phone="12345")
    OrderFactory(
        shop=shop,
        buyer_email="@x.test",
        postal_code=" SW11 4NJ ",
        recipient_name="  Ana  de\tla Cruz ",
    )
    for user in (admin, accountant):
        for template in ("tiktok_sku_list", "orders"):
            job = make_job(user, [shop], template=template)
            python = generate_csv(job, tmp_path, use_copy=False)
            copied = generate_csv(job, tmp_path, use_copy=True)
            assert copied == python, (user, template)


@pytest.mark.parametrize(
    "field",
    ["mask_name", "mask_street", "mask_username", "mask_email", "mask_phone", "mask_postal_code"],
)
def test_sql_masks_equal_the_python_masks(postgres, field):
    from django.db import connection

    from accounts import masking

    values = [
        "",
        "a",
        "ab",
        "Jane Doe",
        "  Ana  de\tla Cruz ",
        "mikayla.200",
        "jane.doe@example.com",
        "@example.com",
        "(+1)4155550121",
        "+44 20 7946 0958",
        "(+60)172****54",
        "1234",
        "90012",
        "SW11 4NJ",
        " 94 ",
        "Ünïcödé Ñame",
    ]
    python = getattr(masking, field)
    with connection.cursor() as cursor:
        for value in values:
            cursor.execute(f"SELECT sc_{field}(%s)", [value])
            (sql,) = cursor.fetchone()
            assert (sql or "") == (python(value) if value else value), value


@pytest.mark.parametrize(
    "value",
    ["", "a", "=1+2", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", " =x", "'=x", "É=", "x=", "漢"],
)
def test_sql_csv_safe_equals_the_python_one(postgres, value):
    from django.db import connection

    from accounts.csvsafe import csv_safe

    with connection.cursor() as cursor:
        cursor.execute("SELECT sc_csv_safe(%s)", [value])
        (sql,) = cursor.fetchone()
    assert (sql or "") == csv_safe(value)


def test_csv_and_xlsx_agree_on_every_cell(accountant, shop, orders, tmp_path):
    """Two writers, one catalogue: the same job as CSV and as XLSX holds the same values."""
    rows = {}
    for file_format in ("csv", "xlsx"):
        job = make_job(accountant, [shop], format=file_format)
        _, path = generate(job, tmp_path)
        rows[file_format] = (
            csv_rows(path.read_bytes()) if file_format == "csv" else xlsx_rows(path)["Orders"]
        )
    header, *csv_body = rows["csv"]
    xlsx_header, *xlsx_body = rows["xlsx"]
    assert header == xlsx_header and len(csv_body) == len(xlsx_body) > 0

    def as_text(value, column):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%m/%d/%Y %I:%M:%S %p")
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    for csv_row, xlsx_row in zip(csv_body, xlsx_body, strict=True):
        as_csv = [cell.removesuffix("\t") for cell in csv_row]
        as_xlsx = [as_text(v, c) for v, c in zip(xlsx_row, header, strict=True)]
        assert as_csv == as_xlsx
