"""TikTok files as they really vary (docs/tiktok.md): order-level
cells written differently on each SKU row, currency prefixes and thousands separators per
market, the Malaysian, Vietnamese, Brazilian and newer US files, Thai status words, and an
XLSX whose header row is split. docs/imports.md lists which test covers which variation."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from imports.services import ImportRefused, import_tiktok_file
from orders.models import Order
from orders.statuses import OrderStatus
from tests.accounts.factories import ShopFactory
from tests.exports.helpers import SKU_LIST_HEADER
from tests.imports.tiktok_files import (
    ORDER,
    TH_HEADER,
    regional_csv,
    sku_csv,
    sku_row,
    tiktok_xlsx,
)

pytestmark = pytest.mark.django_db


def _up_to_phone(header: list[str]) -> list[str]:
    return header[: header.index("Phone #") + 1]


# Malaysia's address part: State, Post Town, no Zipcode.
MY_HEADER = _up_to_phone(SKU_LIST_HEADER) + [
    "Country", "State", "Post Town", "Detail Address", "Additional address information",
    "Payment Method", "Weight(kg)", "Product Category", "Package ID", "Seller Note",
]  # fmt: skip
# Vietnam's: Province, District, Commune.
VN_HEADER = _up_to_phone(SKU_LIST_HEADER) + [
    "Country", "Province", "District", "Commune", "Detail Address",
    "Additional address information", "Payment Method", "Weight(kg)", "Product Category",
    "Package ID", "Seller Note", "Checked Status", "Checked Marked by",
]  # fmt: skip
# The newer US file: Address Line 1/2 instead of Detail Address, and two new columns
# whose positions are unknown (here: one early, one late; columns are matched by name).
NEW_US_HEADER = [
    {"Detail Address": "Address Line 1", "Additional address information": "Address Line 2"}.get(
        header, header
    )
    for header in SKU_LIST_HEADER
]
NEW_US_HEADER.insert(NEW_US_HEADER.index("Seller SKU"), "Combined Listing")
NEW_US_HEADER.insert(NEW_US_HEADER.index("Taxes"), "Co-Funded Shipping Fee Discount")
# Other Thai files: `Small Order Fee` after Taxes, `Order Channel`, `Creator Handle`.
TH_OTHER_HEADER = list(TH_HEADER)
TH_OTHER_HEADER.insert(TH_OTHER_HEADER.index("Taxes") + 1, "Small Order Fee")
TH_OTHER_HEADER += ["Order Channel", "Creator Handle"]

MY_ORDER = {
    "Order ID": "577700000000000042\t",
    "Order Status": "To ship",
    "Order Substatus": "Awaiting collection",
    "Quantity": "1",
    "Sku Quantity of return": "0",
    "SKU Platform Discount": "0",
    "SKU Seller Discount": "0",
    "Shipping Fee After Discount": "RM 8.00",
    "Original Shipping Fee": "RM 8.00",
    "Taxes": "0",
    "Order Amount": "RM 267.40",
    "Order Refund Amount": "RM 0.00",
    "Created Time": "05/06/2026 10:21:10\t",
    "Paid Time": "05/06/2026 10:22:41\t",
    "Shipped Time": "\t",  # empty, written as a lone tab
    "Buyer Username": "i***mikayla200",
    "Recipient": "S******* s********",
    "Phone #": "(+60)172****54",
    "Country": "Malaysia",
    "State": "Selangor",
    "Post Town": "Petaling Jaya",
    "Detail Address": "Jalan SS 2/24",
    "Payment Method": "Online Banking",
}


def _my_lines(*later: dict) -> list[dict]:
    """The Malaysian order's first SKU row, then rows that repeat its order cells their way."""
    first = {
        **MY_ORDER,
        "SKU ID": "1731000000000000001\t",
        "Product Name": "Tudung Bawal Premium",
        "SKU Unit Original Price": "RM 129.70",
        "SKU Subtotal Before Discount": "RM 129.70",
        "SKU Subtotal After Discount": "RM 129.70",
    }
    rows = [first]
    for number, cells in enumerate(later, start=2):
        rows.append(
            {
                **first,
                "SKU ID": f"173100000000000000{number}\t",
                "Product Name": f"Inner Tudung {number}",
                "SKU Unit Original Price": "64.85",
                "SKU Subtotal Before Discount": "64.85",
                "SKU Subtotal After Discount": "64.85",
                **cells,
            }
        )
    return rows


def _one_item(amount: str, **cells) -> dict:
    """The US row of one item whose price, line and order amount are all `amount`."""
    return {
        **dict(zip(SKU_LIST_HEADER, sku_row(), strict=True)),
        "Quantity": "1",
        "SKU Unit Original Price": amount,
        "SKU Subtotal Before Discount": amount,
        "SKU Seller Discount": "0",
        "SKU Subtotal After Discount": amount,
        "Shipping Fee After Discount": "0",
        "Original Shipping Fee": "0",
        "Taxes": "0",
        "Order Amount": amount,
        **cells,
    }


@pytest.fixture
def my_shop():
    return ShopFactory(slug="my-shop", market="MY", currency="MYR", timezone="Asia/Kuala_Lumpur")


def test_order_cells_written_differently_on_each_row_are_one_value(my_shop):
    """`RM 8.00` and `8`, `267.4` and `RM 267.40`, `0` and `RM 0.00`, a time with and without
    its tab, a status in other letter case: the same values, so the file imports."""
    rows = _my_lines(
        {
            "Shipping Fee After Discount": "8",
            "Original Shipping Fee": "RM8",
            "Order Amount": "267.4",
            "Order Refund Amount": "0",
            "Taxes": "RM 0.00",
            "Created Time": "05/06/2026 10:21:10",
            "Order Substatus": "awaiting collection",
        },
        {
            "Order Amount": " RM 267.40 ",
            "Shipping Fee After Discount": "RM 8",
            "Recipient": " S******* s******** ",
        },
    )
    report = import_tiktok_file(shop=my_shop, source=regional_csv(MY_HEADER, rows), name="my.csv")
    assert (report.created, report.rows, list(report.errors)) == (1, 3, [])
    order = Order.objects.get(shop=my_shop)
    assert (order.total_amount, order.shipping_fee, order.refunded_amount, order.tax) == (
        Decimal("267.40"),
        Decimal("8.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert order.sub_total == Decimal("259.40") and order.lines.count() == 3
    assert order.status == OrderStatus.AWAITING_COLLECTION
    assert order.create_time == datetime(2026, 6, 5, 2, 21, 10, tzinfo=UTC)  # UTC+8
    assert order.collection_time is None  # the lone tab is an empty time
    # Malaysia's address columns and TikTok's masking, kept as given.
    assert (order.state, order.city, order.region_code) == ("Selangor", "Petaling Jaya", "MY")
    assert (order.recipient_name, order.recipient_phone) == ("S******* s********", "(+60)172****54")


def test_a_real_disagreement_is_refused_naming_both_values(my_shop):
    rows = _my_lines(
        {"Shipping Fee After Discount": "RM 9.00"},
        {"Created Time": "05/06/2026 10:21:11", "Recipient": "Someone else"},
    )
    with pytest.raises(ImportRefused) as refused:
        import_tiktok_file(shop=my_shop, source=regional_csv(MY_HEADER, rows), name="my.csv")
    assert [str(error) for error in refused.value.errors] == [
        "row 4, Shipping Fee After Discount: 'RM 9.00' here, 'RM 8.00' in row 3 of the same order",
        "row 5, Recipient: 'Someone else' here, 'S******* s********' in row 3 of the same order",
        "row 5, Created Time: '05/06/2026 10:21:11' here, '05/06/2026 10:21:10' in row 3 of the "
        "same order",
    ]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "market, currency, zone, written, amount",
    [
        ("US", "USD", "America/Los_Angeles", "$1,234.50", "1234.50"),
        ("US", "USD", "America/Los_Angeles", "1,234", "1234.00"),
        ("GB", "GBP", "Europe/London", "£1,234.50", "1234.50"),
        ("MY", "MYR", "Asia/Kuala_Lumpur", "RM 1,234.50", "1234.50"),
        ("TH", "THB", "Asia/Bangkok", "THB 1,299", "1299.00"),
        ("TH", "THB", "Asia/Bangkok", "118.3", "118.30"),
        ("ID", "IDR", "Asia/Jakarta", "Rp 1.234.500", "1234500.00"),
        ("VN", "VND", "Asia/Ho_Chi_Minh", "1.234.000₫", "1234000.00"),
        ("BR", "BRL", "America/Sao_Paulo", "BRL 1.234,56", "1234.56"),
        ("BR", "BRL", "America/Sao_Paulo", "BRL 35,91", "35.91"),
    ],
)
def test_currency_prefixes_and_thousands_separators_by_market(
    market, currency, zone, written, amount
):
    shop = ShopFactory(market=market, currency=currency, timezone=zone)
    created = "03/01/2026 10:00:00 AM" if market in ("US", "BR") else "01/03/2026 10:00:00"
    row = _one_item(written, **{"Created Time": created, "Paid Time": ""})
    report = import_tiktok_file(
        shop=shop, source=regional_csv(SKU_LIST_HEADER, [row]), name="o.csv"
    )
    assert (report.created, list(report.errors)) == (1, [])
    order = Order.objects.get(shop=shop)
    assert order.total_amount == order.sub_total == Decimal(amount)
    assert order.lines.get().unit_original_price == Decimal(amount)


def test_a_brazilian_file_with_comma_decimals_and_month_first_times(db):
    shop = ShopFactory(market="BR", currency="BRL", timezone="America/Sao_Paulo")
    row = _one_item(
        "BRL 35,91",
        **{
            "Created Time": "12/15/2025 9:30:33 AM\t",  # one-digit hour, as in Brazil's files
            "Paid Time": "12/15/2025 9:31:02 AM\t",
            "Country": "Brazil",
        },
    )
    report = import_tiktok_file(
        shop=shop, source=regional_csv(SKU_LIST_HEADER, [row]), name="br.csv"
    )
    assert (report.created, list(report.errors)) == (1, [])
    order = Order.objects.get(shop=shop)
    assert order.total_amount == Decimal("35.91")
    assert order.create_time == datetime(2025, 12, 15, 12, 30, 33, tzinfo=UTC)  # UTC−3


def test_a_vietnamese_file_with_its_commune_column(db):
    shop = ShopFactory(market="VN", currency="VND", timezone="Asia/Ho_Chi_Minh")
    row = _one_item(
        "150.000₫",
        **{
            "Created Time": "17/08/2026 09:15:00\t",
            "Paid Time": "\t",
            "Country": "Vietnam",
            "Province": "Hồ Chí Minh",
            "District": "Quận 1",
            "Commune": "Phường Bến Nghé",
            "Detail Address": "12 Lê Lợi",
        },
    )
    report = import_tiktok_file(shop=shop, source=regional_csv(VN_HEADER, [row]), name="vn.csv")
    assert (report.created, list(report.errors)) == (1, [])
    assert {"Commune", "Checked Status", "Checked Marked by"} <= set(report.ignored_columns)
    order = Order.objects.get(shop=shop)
    assert order.total_amount == Decimal("150000.00") and order.paid_time is None
    assert (order.state, order.district, order.address_line1, order.region_code) == (
        "Hồ Chí Minh",
        "Quận 1",
        "12 Lê Lợi",
        "VN",
    )


def test_the_newer_us_file_with_address_lines_and_new_columns(db):
    shop = ShopFactory(market="US", currency="USD", timezone="America/New_York")
    row = {
        **dict(zip(SKU_LIST_HEADER, sku_row(), strict=True)),
        "Address Line 1": "9249 Church Rd",
        "Address Line 2": "Apt 30",
        "Combined Listing": "No",
        "Co-Funded Shipping Fee Discount": "0",
    }
    report = import_tiktok_file(shop=shop, source=regional_csv(NEW_US_HEADER, [row]), name="us.csv")
    assert (report.created, list(report.errors)) == (1, [])
    assert {"Combined Listing", "Co-Funded Shipping Fee Discount"} <= set(report.ignored_columns)
    order = Order.objects.get(shop=shop)
    assert (order.address_line1, order.address_line2) == ("9249 Church Rd", "Apt 30")
    assert order.total_amount == Decimal("80.49")


@pytest.mark.parametrize(
    "status, substatus, expected",
    [
        ("ที่จะจัดส่ง", "รอเข้ารับ", OrderStatus.AWAITING_COLLECTION),
        ("จัดส่งแล้ว", "จัดส่งสำเร็จ", OrderStatus.DELIVERED),
        ("ยกเลิกแล้ว", "", OrderStatus.CANCELLED),
        ("จัดส่งแล้ว", "", OrderStatus.IN_TRANSIT),
    ],
)
def test_a_thai_file_with_thai_status_words_and_its_other_columns(status, substatus, expected):
    shop = ShopFactory(market="TH", currency="THB", timezone="Asia/Bangkok")
    row = {
        **dict(zip(SKU_LIST_HEADER, sku_row(), strict=True)),
        "Order Status": status,
        "Order Substatus": substatus,
        "Order Amount": "THB 80.49",
        "Created Time": "31/05/2026 23:40:10\t",
        "Paid Time": "31/05/2026 23:41:02\t",
        "Small Order Fee": "THB 0",
        "Order Channel": "LIVE",
        "Creator Handle": "@somchai.live",
        "Province": "กรุงเทพมหานคร",
    }
    source = regional_csv(TH_OTHER_HEADER, [row])
    report = import_tiktok_file(shop=shop, source=source, name="th.csv")
    assert (report.created, list(report.errors)) == (1, [])
    assert {"Small Order Fee", "Order Channel", "Creator Handle"} <= set(report.ignored_columns)
    order = Order.objects.get(shop=shop)
    assert (order.status, order.state) == (expected, "กรุงเทพมหานคร")


@pytest.mark.parametrize("cells_per_element", [1, 10])
def test_an_xlsx_whose_header_row_is_split_over_several_row_elements(db, cells_per_element):
    """TikTok's workbook: the header written as several `<row r="1">` elements, a stale
    dimension, the description row, ids and times with a trailing tab, an empty time as a
    lone tab, numbers and a date as real cells."""
    shop = ShopFactory(market="US", currency="USD", timezone="America/Los_Angeles")
    header = list(SKU_LIST_HEADER)
    description = ["Platform unique order ID."] + [""] * (len(header) - 1)
    first = sku_row(**{"RTS Time": "\t"})
    second = sku_row(**{"SKU ID": "1729000000000000002\t", "Product Name": "Yoga Mat"})
    second[header.index("Quantity")] = 2  # a number cell
    second[header.index("Order Amount")] = 80.49
    second[header.index("Created Time")] = datetime(2026, 3, 31, 23, 30)  # a date cell
    data = tiktok_xlsx([header, description, first, second], split_header=cells_per_element)
    report = import_tiktok_file(shop=shop, source=data, name="OrderSKUList.xlsx")
    assert (report.created, report.rows, list(report.errors)) == (1, 2, [])
    assert report.ignored_columns[:2] == ["Cancelation/Return Type", "Payment platform discount"]
    order = Order.objects.get(shop=shop, order_id=ORDER)
    assert sorted(order.lines.values_list("product_name", flat=True)) == [
        "Weighted Hula Hoop",
        "Yoga Mat",
    ]
    assert (order.total_amount, order.rts_time, order.payment_method_name) == (
        Decimal("80.49"),
        None,
        "Visa",  # a column of the header's last part
    )
    assert order.create_time == datetime(2026, 4, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("bom", [True, False])
def test_a_csv_with_or_without_bom_and_description_row(bom):
    shop = ShopFactory(market="US", currency="USD", timezone="America/Los_Angeles")
    data = sku_csv(sku_row(), description=not bom)
    data = data if bom else data.removeprefix("\ufeff".encode())
    report = import_tiktok_file(shop=shop, source=data, name="orders.csv")
    assert (report.created, report.rows) == (1, 1)
    assert Order.objects.get(shop=shop).order_id == ORDER
