"""Importing TikTok "order SKU list" files: real-file quirks, grouping, idempotence, newer and
older files, the round trip with our own export, and bad input that imports nothing."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditAction, AuditEvent
from orders.importing import ImportRefused, UnreadableFile, import_tiktok_file
from orders.models import Order, OrderEvent
from orders.statuses import EventKind, OrderStatus
from tests.accounts.factories import ShopFactory
from tests.exports.helpers import SKU_LIST_HEADER, make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
ORDER = "576123400000000001"


def _row(**cells) -> list[str]:
    defaults = {
        "Order ID": f"{ORDER}\t",
        "Order Status": "To ship",
        "Order Substatus": "Awaiting shipment",
        "SKU ID": "1729000000000000001\t",
        "Seller SKU": "HOOP-1",
        "Product Name": "Weighted Hula Hoop",
        "Variation": "Pink",
        "Quantity": "2",
        "Sku Quantity of return": "0",
        "SKU Unit Original Price": "$26.99",
        "SKU Subtotal Before Discount": "53.98",
        "SKU Platform Discount": "0",
        "SKU Seller Discount": "3.98",
        "SKU Subtotal After Discount": "50.00",
        "Shipping Fee After Discount": "5.99",
        "Original Shipping Fee": "5.99",
        "Taxes": "4.50",
        "Order Amount": "80.49",
        "Order Refund Amount": "0",
        "Created Time": "03/31/2026 11:30:00 PM\t",
        "Paid Time": "04/01/2026 12:05:00 AM\t",
        "RTS Time": "\t",
        "Fulfillment Type": "Fulfillment by seller",
        "Buyer Username": "i***mikayla200",
        "Recipient": "M******* L****",
        "Phone #": "(+1)415****21",
        "Country": "United States",
        "State": "California",
        "City": "Los Angeles",
        "Zipcode": "900**",
        "Payment Method": "Visa",
        "Product Category": "Sports",
    }
    defaults.update(cells)
    return [defaults.get(header, "") for header in SKU_LIST_HEADER]


def _csv(*rows, header=SKU_LIST_HEADER, description=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    if description:
        writer.writerow(["Platform unique order ID."] + [""] * (len(header) - 1))
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


@pytest.fixture
def us_shop():
    return ShopFactory(
        slug="us-import", market="US", currency="USD", timezone="America/Los_Angeles"
    )


def _import(shop, data, **kwargs):
    return import_tiktok_file(shop=shop, source=data, name="orders.csv", **kwargs)


def test_a_real_looking_us_file_imports_as_tiktok_meant_it(us_shop):
    second_line = _row(
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
    report = _import(us_shop, _csv(_row(), second_line))
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
    data = _csv(_row())
    _import(us_shop, data)
    events = OrderEvent.objects.count()
    again = _import(us_shop, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert OrderEvent.objects.count() == events


def test_a_newer_file_updates_and_an_older_one_does_not(us_shop):
    _import(us_shop, _csv(_row()))
    newer = _row(
        **{
            "Order Status": "Shipped",
            "Order Substatus": "In transit",
            "RTS Time": "04/01/2026 09:00:00 AM",
            "Shipped Time": "04/01/2026 04:00:00 PM",
            "Tracking ID": "1Z999AA10123456784\t",
            "Shipping Provider Name": "UPS",
        }
    )
    report = _import(us_shop, _csv(newer))
    assert report.updated == 1
    order = Order.objects.get(order_id=ORDER)
    assert order.status == OrderStatus.IN_TRANSIT
    assert order.packages.get().tracking_number == "1Z999AA10123456784"
    event = OrderEvent.objects.filter(order=order, kind=EventKind.IMPORTED).latest("pk")
    assert "status" in event.payload["changed"] and event.payload["to"] == "IN_TRANSIT"
    older = _import(us_shop, _csv(_row()))
    assert older.older == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT


def test_day_first_24_hour_dates_for_other_markets():
    uk = ShopFactory(slug="uk-import", market="GB", currency="GBP", timezone="Europe/London")
    _import(uk, _csv(_row(**{"Created Time": "05/06/2026 10:21:10", "Paid Time": ""})))
    order = Order.objects.get(shop=uk)
    assert order.create_time == datetime(2026, 6, 5, 9, 21, 10, tzinfo=UTC)  # BST
    assert order.currency == "GBP"


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
    report = _import(us_shop, _csv(_row()), dry_run=True)
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
        (_csv(header=SKU_LIST_HEADER, description=False), "no orders"),
        (b"Order No,Item,Qty\n1,2,3\n", "missing"),
    ],
)
def test_unreadable_files_import_nothing(us_shop, data, message):
    with pytest.raises(UnreadableFile, match=message):
        _import(us_shop, data)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "bad, column",
    [
        ({"Created Time": "31/31/2026 99:00:00 PM"}, "Created Time"),
        ({"Quantity": "-1"}, "Quantity"),
        ({"Order Amount": "abc"}, "Order Amount"),
        ({"Order Substatus": "Teleported", "Order Status": "Beamed"}, "Order Status"),
        ({"Paid Time": "03/01/2026 10:00:00 AM"}, "paid time"),  # before creation
    ],
)
def test_a_bad_row_imports_nothing_unless_skipped(us_shop, bad, column):
    good = _row(**{"Order ID": "576123400000000002"})
    data = _csv(good, _row(**bad))
    with pytest.raises(ImportRefused) as refused:
        _import(us_shop, data)
    (error,) = refused.value.errors
    assert error.row == 4 and error.column.lower() == column.lower()  # header, description, good
    assert not Order.objects.exists()
    report = _import(us_shop, data, skip_errors=True)
    assert (report.created, report.skipped, len(report.errors)) == (1, 1, 1)
    assert list(Order.objects.values_list("order_id", flat=True)) == ["576123400000000002"]


def test_rows_of_one_order_that_disagree_are_refused(us_shop):
    data = _csv(_row(), _row(**{"SKU ID": "1729000000000000009", "Order Amount": "99.00"}))
    with pytest.raises(ImportRefused) as refused:
        _import(us_shop, data)
    assert "differs from row 3" in str(refused.value.errors[0])


def test_command(us_shop, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv(_row()))
    call_command("import_tiktok_orders", str(path), "--shop", "us-import", "--dry-run")
    assert "Dry run: 1 orders would be created" in capsys.readouterr().out
    assert not Order.objects.exists()
    call_command("import_tiktok_orders", str(path), "--shop", "us-import")
    assert Order.objects.count() == 1
    with pytest.raises(CommandError, match="No shop"):
        call_command("import_tiktok_orders", str(path), "--shop", "nowhere")
    with pytest.raises(CommandError, match="No file"):
        call_command("import_tiktok_orders", str(tmp_path / "missing.csv"), "--shop", "us-import")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(_row(**{"Quantity": "x"})))
    with pytest.raises(CommandError, match="use --skip-errors"):
        call_command("import_tiktok_orders", str(bad), "--shop", "us-import")
