"""One order, twice: imported from TikTok's Seller Center file and synced from its Open API
object. Both must give the same rows for everything the file says (the file has no update
time, buyer id or package status of its own; the API no buyer username or category)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from imports.services import import_tiktok_file
from orders.models import LATER_TIMES, PAYMENT_FIELDS, Order
from orders.services.tiktok_upsert import tiktok_orders_upsert
from orders.tiktok_order import ADDRESS_FIELDS, API_LINE_FIELDS
from tests.accounts.factories import ShopFactory
from tests.imports.tiktok_files import sku_csv, sku_row
from tests.orders.tiktok_objects import line_item, shipped, tiktok_order

pytestmark = pytest.mark.django_db
ID = "576486316948490001"
# What the file and the API object both say of an order, its lines and its packages.
ORDER_FIELDS = (
    "status",
    "order_type",
    "buyer_message",
    "seller_note",
    *sorted(ADDRESS_FIELDS),
    "payment_method_name",
    "currency",
    *PAYMENT_FIELDS,
    *(name for name in LATER_TIMES if name != "update_time"),  # a file has no update time
    "create_time",
    "cancel_reason",
    "fulfillment_type",
    "delivery_option_name",
)
# A file has no product id of its own.
LINE_FIELDS = ("sku_id", *sorted(API_LINE_FIELDS - {"product_id"}))
PACKAGE_FIELDS = ("package_id", "tracking_number", "shipping_provider_name", "package_status")
ZONE = ZoneInfo("America/Los_Angeles")


def _local(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone(ZONE).strftime("%m/%d/%Y %I:%M:%S %p")


def _file_of(obj: dict) -> bytes:
    """TikTok's order SKU list for the API object `obj` (one row per SKU)."""
    pay, address = obj["payment"], obj["recipient_address"]
    levels = {d["address_level"]: d["address_name"] for d in address["district_info"]}
    units: dict[str, list[dict]] = {}
    for item in obj["line_items"]:
        units.setdefault(item["sku_id"], []).append(item)
    rows = []
    for sku, items in units.items():
        first = items[0]
        rows.append(
            sku_row(
                **{
                    "Order ID": f"{obj['id']}\t",
                    "Order Status": "Shipped",
                    "Order Substatus": "In transit",
                    "SKU ID": f"{sku}\t",
                    "Seller SKU": first["seller_sku"],
                    "Product Name": first["product_name"],
                    "Variation": first["sku_name"],
                    "Quantity": str(len(items)),
                    "SKU Unit Original Price": first["original_price"],
                    "SKU Subtotal Before Discount": pay["original_total_product_price"],
                    "SKU Platform Discount": pay["platform_discount"],
                    "SKU Seller Discount": pay["seller_discount"],
                    "SKU Subtotal After Discount": pay["sub_total"],
                    "Shipping Fee After Discount": pay["shipping_fee"],
                    "Original Shipping Fee": pay["original_shipping_fee"],
                    "Shipping Fee Seller Discount": pay["shipping_fee_seller_discount"],
                    "Shipping Fee Platform Discount": pay["shipping_fee_platform_discount"],
                    "Retail Delivery Fee": pay["retail_delivery_fee"],
                    "Taxes": pay["tax"],
                    "Order Amount": pay["total_amount"],
                    "Created Time": f"{_local(obj['create_time'])}\t",
                    "Paid Time": f"{_local(obj['paid_time'])}\t",
                    "RTS Time": f"{_local(obj['rts_time'])}\t",
                    "Shipped Time": f"{_local(obj['collection_time'])}\t",
                    "Tracking ID": f"{first['tracking_number']}\t",
                    "Package ID": f"{first['package_id']}\t",
                    "Shipping Provider Name": first["shipping_provider_name"],
                    "Delivery Option": obj["delivery_option_name"],
                    "Buyer Message": obj["buyer_message"],
                    "Recipient": address["name"],
                    "Phone #": address["phone_number"],
                    "Country": "United States",
                    "State": levels["L1"],
                    "City": levels["L3"],
                    "Zipcode": address["postal_code"],
                    "Detail Address": address["address_line1"],
                    "Additional address information": address["address_line2"],
                    "Payment Method": obj["payment_method_name"],
                }
            )
        )
    return sku_csv(*rows)


def _rows(order: Order) -> dict:
    return {
        "order": {name: getattr(order, name) for name in ORDER_FIELDS},
        "lines": sorted(
            tuple(getattr(line, name) for name in LINE_FIELDS) for line in order.lines.all()
        ),
        "packages": sorted(
            tuple(getattr(p, name) for name in PACKAGE_FIELDS) for p in order.packages.all()
        ),
    }


def test_the_file_and_the_api_give_the_same_rows_for_one_order():
    shop = ShopFactory(slug="same-rows", market="US", currency="USD", timezone=ZONE.key)
    obj = shipped(tiktok_order(ID, line_items=[line_item(n=1), line_item(n=2)]))

    report = import_tiktok_file(shop=shop, source=_file_of(obj), name="orders.csv")
    assert report.created == 1, report.as_dict()
    imported = _rows(Order.objects.get(shop=shop, order_id=ID))
    Order.objects.filter(shop=shop).delete()
    tiktok_orders_upsert(shop=shop, objects=[obj], source="sync")
    synced = _rows(Order.objects.get(shop=shop, order_id=ID))

    assert imported == synced


def test_the_importer_reads_orders_through_the_shared_mapping(monkeypatch):
    import orders.tiktok_order

    shop = ShopFactory(slug="same-rows", market="US", currency="USD", timezone=ZONE.key)
    read, seen = orders.tiktok_order._order_fields, []

    def recorded(obj):  # inside the mapping, whatever name its callers import it by
        seen.append(obj)
        return read(obj)

    monkeypatch.setattr(orders.tiktok_order, "_order_fields", recorded)
    obj = shipped(tiktok_order(ID))

    import_tiktok_file(shop=shop, source=_file_of(obj), name="orders.csv")

    assert seen and Order.objects.filter(shop=shop, order_id=ID).exists()
