"""Importing TikTok "order SKU list" files: real-file quirks, grouping, idempotence, newer and
older files, the round trip with our own export, and bad input that imports nothing."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditAction, AuditEvent
from imports.services import ImportRefused, UnreadableFile, import_tiktok_file
from orders.models import Order, OrderEvent
from orders.statuses import EventKind, OrderStatus
from tests.accounts.factories import ShopFactory
from tests.exports.helpers import SKU_LIST_HEADER, make_job
from tests.imports.tiktok_files import (
    ID_HEADER,
    ORDER,
    TH_HEADER,
    UK_HEADER,
    import_file,
    regional_csv,
    sku_csv,
    sku_row,
    stale_dimension,
)
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_real_looking_us_file_imports_as_tiktok_meant_it(us_shop):
    second_line = sku_row(
        **{
            "SKU ID": "1729000000000000002\t",
            "Seller SKU": "MAT-9",
            "Product Name": "Yoga Mat",
            "Quantity": "1",
            "SKU Unit Original Price": "22.00",
            "SKU Subtotal Before Discount": "22.00",
            "SKU Seller Discount": "2.00",
            "SKU Subtotal After Discount": "20.00",
        }
    )
    report = import_file(us_shop, sku_csv(sku_row(), second_line))
    assert (report.created, report.errors) == (1, [])
    order = Order.objects.get(shop=us_shop, order_id=ORDER)
    assert order.total_amount == Decimal("80.49")  # once, not summed over the two rows
    assert order.sub_total == Decimal("70.00") and order.original_total_product_price == Decimal(
        "75.98"
    )
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    # 23:30 on March 31 in Los Angeles is 06:30 UTC on April 1.
    assert order.create_time == datetime(2026, 4, 1, 6, 30, tzinfo=UTC)
    assert order.buyer_username == "i***mikayla200"  # masked by TikTok, kept as given
    assert order.region_code == "US" and order.rts_time is None
    assert sorted(order.lines.values_list("seller_sku", flat=True)) == ["HOOP-1", "MAT-9"]
    assert OrderEvent.objects.filter(order=order, kind=EventKind.IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, shop=us_shop).exists()


def test_the_same_file_twice_changes_nothing(us_shop):
    data = sku_csv(sku_row())
    import_file(us_shop, data)
    events = OrderEvent.objects.count()
    again = import_file(us_shop, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert OrderEvent.objects.count() == events


def test_a_newer_file_updates_and_an_older_one_does_not(us_shop):
    import_file(us_shop, sku_csv(sku_row()))
    newer = sku_row(
        **{
            "Order Status": "Shipped",
            "Order Substatus": "In transit",
            "RTS Time": "04/01/2026 09:00:00 AM",
            "Shipped Time": "04/01/2026 04:00:00 PM",
            "Tracking ID": "1Z999AA10123456784\t",
            "Shipping Provider Name": "UPS",
        }
    )
    report = import_file(us_shop, sku_csv(newer))
    assert report.updated == 1
    order = Order.objects.get(order_id=ORDER)
    assert order.status == OrderStatus.IN_TRANSIT
    assert order.packages.get().tracking_number == "1Z999AA10123456784"
    event = OrderEvent.objects.filter(order=order, kind=EventKind.IMPORTED).latest("pk")
    assert "status" in event.payload["changed"] and event.payload["to"] == "IN_TRANSIT"
    older = import_file(us_shop, sku_csv(sku_row()))
    assert older.older == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT


def test_a_uk_file_with_day_first_dates_and_british_address_columns():
    uk = ShopFactory(slug="uk-import", market="GB", currency="GBP", timezone="Europe/London")
    row = {
        **dict(zip(SKU_LIST_HEADER, sku_row(), strict=True)),
        "Created Time": "05/06/2026 10:21:10\t",
        "Paid Time": "05/06/2026 10:22:00\t",
        "SKU Unit Original Price": "£26.99",
        "Order Amount": "£80.49",
        "Country": "United Kingdom",
        "Address Line 1": "221B Baker Street",
        "Address Line 2": "Flat 2",
        "Post Town": "London",
        "Postcode": "NW1 6XE",
    }
    report = import_file(uk, regional_csv(UK_HEADER, [row]))
    assert (report.created, report.errors) == (1, [])
    assert "County" in report.ignored_columns
    order = Order.objects.get(shop=uk)
    assert order.create_time == datetime(2026, 6, 5, 9, 21, 10, tzinfo=UTC)  # BST, UTC+1
    assert (order.currency, order.total_amount, order.region_code) == (
        "GBP",
        Decimal("80.49"),
        "GB",
    )
    assert (order.address_line1, order.address_line2, order.city, order.postal_code) == (
        "221B Baker Street",
        "Flat 2",
        "London",
        "NW1 6XE",
    )


def test_a_file_with_fewer_columns_updates_only_what_it_has(us_shop):
    """A later file of only some columns (here without taxes, paid time, buyer or address
    columns) updates the status and leaves everything it does not carry as stored."""
    import_file(us_shop, sku_csv(sku_row(**{"Buyer Message": "Gift wrap please"})))
    kept = (
        "Order ID", "Order Status", "Order Substatus", "SKU ID", "Product Name", "Quantity",
        "SKU Unit Original Price", "SKU Subtotal Before Discount", "SKU Seller Discount",
        "SKU Subtotal After Discount", "Order Amount", "Created Time", "Shipped Time",
    )  # fmt: skip
    later = dict(zip(SKU_LIST_HEADER, sku_row(), strict=True))
    later.update({"Order Status": "Shipped", "Order Substatus": "In transit"})
    later["Shipped Time"] = "04/02/2026 09:15:00 AM\t"
    report = import_file(us_shop, regional_csv(list(kept), [later]))
    assert (report.updated, report.errors) == (1, [])
    order = Order.objects.get(shop=us_shop)
    assert order.status == OrderStatus.IN_TRANSIT and order.collection_time is not None
    assert order.tax == Decimal("4.50") and order.paid_time is not None
    assert (order.buyer_message, order.city) == ("Gift wrap please", "Los Angeles")
    event = OrderEvent.objects.filter(order=order, kind=EventKind.IMPORTED).latest("pk")
    assert sorted(event.payload["changed"]) == ["collection_time", "status"]


def test_our_own_export_imports_back_without_changes(admin, shop, tmp_path):
    from tests.exports.helpers import generate

    for status in ("AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "CANCELLED"):
        OrderFactory(shop=shop, status=status)
    for file_format in ("csv", "xlsx"):
        _, path = generate(make_job(admin, [shop], format=file_format), tmp_path)
        report = import_tiktok_file(shop=shop, source=path, name=path.name)
        assert (report.created, report.updated, report.older, report.errors) == (0, 0, 0, [])
        assert report.unchanged == Order.objects.filter(shop=shop).count() == 4


def test_a_dry_run_counts_and_stores_nothing(us_shop):
    report = import_file(us_shop, sku_csv(sku_row()), dry_run=True)
    assert report.created == 1 and "would be created" in report.summary()
    assert (
        not Order.objects.exists()
        and not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
        (sku_csv(header=SKU_LIST_HEADER, description=False), "no orders"),
        (b"Order No,Item,Qty\n1,2,3\n", "missing"),
        (  # another marketplace's export shares a few header names, not TikTok's required ones
            b"Order ID,Order Status,Tracking Number*,Product Name,Quantity,Order Creation Date,"
            b"Grand Total\n2405123ABCDEF,Completed,SPX123,Yoga Mat,1,2026-03-01 10:00,22.00\n",
            "missing: Sku Id, Created Time, Order Amount",
        ),
    ],
)
def test_unreadable_files_import_nothing(us_shop, data, message):
    with pytest.raises(UnreadableFile, match=message):
        import_file(us_shop, data)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "bad, column",
    [
        ({"Created Time": "31/31/2026 99:00:00 PM"}, "Created Time"),
        ({"Quantity": "-1"}, "Quantity"),
        ({"Order Amount": "abc"}, "Order Amount"),
        ({"Order Substatus": "Teleported", "Order Status": "Beamed"}, "Order Status"),
        ({"Paid Time": "03/01/2026 10:00:00 AM"}, "paid time"),  # before creation
        # Formulas are refused where a number, a date or an id belongs (buyer text that looks
        # like one is kept: test_import_buyer_text.py).
        ({"SKU ID": '=HYPERLINK("http://evil.test","Track")'}, "SKU ID"),
        ({"Tracking ID": "@SUM(1+1)*cmd|' /C calc'!A0"}, "Tracking ID"),
        ({"Quantity": "=1+1"}, "Quantity"),
        ({"Order Amount": "+IMPORTXML(CONCAT(1),2)"}, "Order Amount"),
        ({"Paid Time": "=NOW()"}, "Paid Time"),
    ],
)
def test_a_bad_row_imports_nothing_unless_skipped(us_shop, bad, column):
    good = sku_row(**{"Order ID": "576123400000000002"})
    data = sku_csv(good, sku_row(**bad))
    with pytest.raises(ImportRefused) as refused:
        import_file(us_shop, data)
    (error,) = refused.value.errors
    assert error.row == 4 and error.column.lower() == column.lower()  # header, description, good
    assert not Order.objects.exists()
    report = import_file(us_shop, data, skip_errors=True)
    assert (report.created, report.skipped, len(report.errors)) == (1, 1, 1)
    assert report.notices == []  # refused where it stands, not also noted as text
    assert list(Order.objects.values_list("order_id", flat=True)) == ["576123400000000002"]


def test_rows_of_one_order_that_disagree_are_refused(us_shop):
    data = sku_csv(sku_row(), sku_row(**{"SKU ID": "1729000000000000009", "Order Amount": "99.00"}))
    with pytest.raises(ImportRefused) as refused:
        import_file(us_shop, data)
    assert str(refused.value.errors[0]) == (
        "row 4, Order Amount: '99.00' here, '80.49' in row 3 of the same order"
    )


def test_command(us_shop, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(sku_csv(sku_row()))
    call_command("import_tiktok_orders", str(path), "--shop", "us-import", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: 1 order would be created" in out
    assert "Columns not used: Cancelation/Return Type, Payment platform discount" in out
    assert not Order.objects.exists()
    call_command("import_tiktok_orders", str(path), "--shop", "us-import")
    assert Order.objects.count() == 1
    with pytest.raises(CommandError, match="No shop"):
        call_command("import_tiktok_orders", str(path), "--shop", "nowhere")
    with pytest.raises(CommandError, match="No file"):
        call_command("import_tiktok_orders", str(tmp_path / "missing.csv"), "--shop", "us-import")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sku_csv(sku_row(**{"Quantity": "x"})))
    with pytest.raises(CommandError) as refused:
        call_command("import_tiktok_orders", str(bad), "--shop", "us-import")
    assert str(refused.value) == (
        "Nothing was imported: 1 problem in the file. Fix it or use --skip-errors."
    )


def test_times_in_the_hour_a_dst_fall_back_repeats(us_shop):
    """1:50 AM PDT created, paid 34 minutes later at 1:24 AM PST: the file says 01:50 and 01:24
    without an offset, so the paid time is the second 1:24 of that night, and a re-import of
    the same file changes nothing."""
    data = sku_csv(
        sku_row(
            **{
                "Created Time": "11/01/2026 01:50:14 AM\t",
                "Paid Time": "11/01/2026 01:24:14 AM\t",
            }
        )
    )
    assert import_file(us_shop, data).created == 1
    order = Order.objects.get(shop=us_shop)
    assert order.create_time == datetime(2026, 11, 1, 8, 50, 14, tzinfo=UTC)  # PDT, UTC−7
    assert order.paid_time == datetime(2026, 11, 1, 9, 24, 14, tzinfo=UTC)  # PST, UTC−8
    again = import_file(us_shop, data)
    assert (again.unchanged, again.updated) == (1, 0)


def test_a_thai_file_with_its_63_columns(db):
    assert len(TH_HEADER) == 63
    shop = ShopFactory(slug="th-shop", market="TH", currency="THB", timezone="Asia/Bangkok")
    order = {
        "Order ID": "578800000000000123\t",
        "Order Status": "Shipped",
        "Order Substatus": "In transit",
        "Quantity": "1",
        "Sku Quantity of return": "0",
        "SKU Platform Discount": "0",
        "SKU Seller Discount": "0",
        "Shipping Fee After Discount": "THB 40",
        "Original Shipping Fee": "THB 40",
        "Taxes": "0",
        "Order Amount": "THB 438",
        "Order Refund Amount": "0",
        "Created Time": "31/05/2026 23:40:10\t",
        "Paid Time": "31/05/2026 23:41:02\t",
        "Shipped Time": "01/06/2026 14:05:00\t",
        "Tracking ID": "TH0123456789A\t",
        "Shipping Provider Name": "Flash Express",
        "Buyer Username": "s***nok88",
        "Recipient": "ส******* ร****",
        "Phone #": "(+66)81****567",
        "Zipcode": "10110",
        "Country": "Thailand",
        "Province": "กรุงเทพมหานคร",
        "District": "เขตวัฒนา",
        "Districts": "คลองเตยเหนือ",
        "Detail Address": "ซอยสุขุมวิท 21",
        "Payment Method": "Cash on delivery",
        "Request Tax Invoice": "No",
    }
    lines = [
        {"SKU ID": "1730000000000000001\t", "Product Name": "เซรั่มบำรุงผิว 30ml",
         "SKU Unit Original Price": "THB 199", "SKU Subtotal Before Discount": "199",
         "SKU Subtotal After Discount": "199"},
        {"SKU ID": "1730000000000000002\t", "Product Name": "ครีมกันแดด SPF50",
         "SKU Unit Original Price": "THB 199", "SKU Subtotal Before Discount": "199",
         "SKU Subtotal After Discount": "199"},
    ]  # fmt: skip
    report = import_tiktok_file(
        shop=shop,
        source=regional_csv(TH_HEADER, [{**order, **line} for line in lines]),
        name="th.csv",
    )
    assert (report.created, report.errors) == (1, [])
    assert "Tax Info - Buyer Tax ID" in report.ignored_columns
    stored = Order.objects.get(shop=shop)
    assert stored.status == OrderStatus.IN_TRANSIT
    assert stored.total_amount == Decimal("438.00") and stored.sub_total == Decimal("398.00")
    assert stored.create_time == datetime(2026, 5, 31, 16, 40, 10, tzinfo=UTC)  # Bangkok UTC+7
    assert (stored.state, stored.district, stored.region_code) == (
        "กรุงเทพมหานคร",
        "เขตวัฒนา",
        "TH",
    )
    assert stored.recipient_name == "ส******* ร****"  # masked as TikTok gave it
    assert sorted(stored.lines.values_list("product_name", flat=True)) == [
        "ครีมกันแดด SPF50",
        "เซรั่มบำรุงผิว 30ml",
    ]
    assert stored.packages.get().shipping_provider_name == "Flash Express"


def test_an_indonesian_file_with_rupiah_and_its_address_columns(db):
    shop = ShopFactory(slug="id-shop", market="ID", currency="IDR", timezone="Asia/Jakarta")
    row = {
        "Order ID": "579900000000000456\t",
        "Order Status": "To ship",
        "Order Substatus": "Awaiting shipment",
        "SKU ID": "1740000000000000009\t",
        "Product Name": "Kemeja Batik Pria",
        "Quantity": "2",
        "SKU Unit Original Price": "Rp 150.000",
        "SKU Subtotal Before Discount": "Rp 300.000",
        "SKU Platform Discount": "Rp 15.000",
        "SKU Seller Discount": "0",
        "SKU Subtotal After Discount": "Rp 285.000",
        "Shipping Fee After Discount": "Rp 9.500",
        "Original Shipping Fee": "Rp 9.500",
        "Taxes": "0",
        "Order Amount": "Rp 294.500",
        "Order Refund Amount": "0",
        "Created Time": "17/08/2026 09:15:00\t",
        "Paid Time": "17/08/2026 09:16:30\t",
        "Country": "Indonesia",
        "Province": "Jawa Barat",
        "Regency and City": "Kota Bandung",
        "Districts": "Coblong",
        "Villages": "Dago",
        "Zipcode": "40135",
        "Buyer Service Fee": "Rp 1.000",
    }
    report = import_tiktok_file(shop=shop, source=regional_csv(ID_HEADER, [row]), name="id.csv")
    assert (report.created, report.errors) == (1, [])
    assert {"Villages", "Buyer Service Fee", "Tokopedia Invoice Number"} <= set(
        report.ignored_columns
    )
    stored = Order.objects.get(shop=shop)
    assert stored.total_amount == Decimal("294500.00")
    assert stored.platform_discount == Decimal("15000.00")
    assert (stored.state, stored.city, stored.district) == ("Jawa Barat", "Kota Bandung", "Coblong")
    assert stored.create_time == datetime(2026, 8, 17, 2, 15, tzinfo=UTC)  # Jakarta UTC+7
    assert stored.region_code == "ID"


def _same_value(given: str, exported: str) -> bool:
    """Equal as text, or as amounts (TikTok writes `0` and `118.3`, we write `0.00`)."""
    if given == exported:
        return True
    try:
        return Decimal(given) == Decimal(exported)
    except ArithmeticError:
        return False


def test_an_imported_file_exports_again_with_the_same_values(admin, us_shop, tmp_path):
    """TikTok's file in, our TikTok-format export out: every column we import holds the same
    value in the same column, in TikTok's column order."""
    from accounts.services import membership_grant
    from imports.read import HEADERS, _normal
    from tests.exports.helpers import as_dicts, csv_rows, generate_csv

    membership_grant(user=admin, shop=us_shop, role="administrator", actor=None)
    shipped = {
        "Order ID": "576123400000000031\t",
        "Order Status": "Shipped",
        "Order Substatus": "In transit",
        "RTS Time": "04/01/2026 04:00:00 PM\t",
        "Shipped Time": "04/02/2026 09:15:00 AM\t",
        "Tracking ID": "1Z999AA10123456784\t",
        "Shipping Provider Name": "UPS",
        "Package ID": "1152185468039839\t",
        "Warehouse Name": "Ontario CA Fulfilment",
        "Delivery Option": "Standard shipping",
        "Detail Address": "9249 Church Rd",
        "Additional address information": "Apt 30",
        "Buyer Message": "Please leave at the door",
        "SKU Unit Original Price": "26.99",
        "Order Amount": "80.49",
    }
    second = {
        "SKU ID": "1729000000000000002\t",
        "Seller SKU": "MAT-9",
        "Product Name": "Yoga Mat",
        "Variation": "Blue",
        "Quantity": "1",
        "SKU Unit Original Price": "22.00",
        "SKU Subtotal Before Discount": "22.00",
        "SKU Seller Discount": "2.00",
        "SKU Subtotal After Discount": "20.00",
    }
    source = sku_csv(sku_row(**shipped), sku_row(**{**shipped, **second}), description=False)
    assert import_tiktok_file(shop=us_shop, source=source, name="in.csv").created == 1

    exported = generate_csv(make_job(admin, [us_shop]), tmp_path)
    assert exported[0] == SKU_LIST_HEADER
    imported = {_normal(h) for headers in HEADERS.values() for h in headers}
    given = as_dicts(csv_rows(source))
    back = sorted(as_dicts(exported), key=lambda row: row["SKU ID"])
    differing = [
        (header, value, after[header])
        for before, after in zip(given, back, strict=True)
        for header, value in before.items()
        if _normal(header) in imported and value and not _same_value(value, after[header])
    ]
    assert differing == [], differing
    assert sum(1 for h in given[0] if _normal(h) in imported and given[0][h]) > 30


def test_text_that_only_looks_like_a_formula_is_kept(us_shop):
    """A dash or plus that starts ordinary words is text, and so is a formula our own export
    neutralised with a leading quote: both import as written."""
    data = sku_csv(
        sku_row(
            **{"Buyer Message": "- leave at the door, +1 (415) 555 0100", "Seller Note": "'=1+1"}
        )
    )
    assert import_file(us_shop, data).created == 1
    order = Order.objects.get(shop=us_shop)
    assert order.buyer_message == "- leave at the door, +1 (415) 555 0100"
    assert order.seller_note == "=1+1"


def test_an_xlsx_with_a_stale_dimension_and_a_description_row(us_shop):
    data = stale_dimension(sku_csv(sku_row(), sku_row(**{"SKU ID": "1729000000000000002\t"})))
    report = import_tiktok_file(shop=us_shop, source=data, name="OrderSKUList.xlsx")
    assert (report.created, report.rows, report.errors) == (1, 2, [])
    order = Order.objects.get(shop=us_shop)
    assert order.lines.count() == 2  # every row read, not only column A
    assert (order.buyer_username, order.city, order.total_amount) == (
        "i***mikayla200",
        "Los Angeles",
        Decimal("80.49"),
    )
