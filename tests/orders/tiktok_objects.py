"""TikTok order objects as Get Order Detail (202309) returns them, for the mapping and the sync.

Shaped after TikTok's documented sample: ids and money as strings, times as Unix seconds, one
line item per unit, the recipient address absent while UNPAID or ON_HOLD.
"""

import copy
import time

T0 = int(time.time()) - 30 * 86400  # a month ago, in Unix seconds


def line_item(sku_id="1729385000000000001", *, n=1, **extra) -> dict:
    item = {
        "id": f"577{sku_id[-10:]}{n:05d}",
        "sku_id": sku_id,
        "product_id": "1729384000000000001",
        "product_name": "Linen shirt",
        "sku_name": "Black, XL",
        "seller_sku": "SHIRT-BLK-XL",
        "original_price": "20.00",
        "sale_price": "18.00",
        "platform_discount": "1.00",
        "seller_discount": "1.00",
        "currency": "USD",
        "display_status": "AWAITING_SHIPMENT",
    }
    return {**item, **extra}


def tiktok_order(order_id="576486316948490001", *, update=0, status="AWAITING_SHIPMENT", **extra):
    """An order of two units of one shirt, created at T0 and updated `update` seconds later."""
    obj = {
        "id": order_id,
        "status": status,
        "order_type": "NORMAL",
        "user_id": "7021436810468230477",
        "buyer_email": "v2ux3p@scs3.tiktok.com",
        "buyer_message": "Leave at the door",
        "buyer_nickname": "maria",
        "seller_note": "",
        "create_time": T0,
        "update_time": T0 + 3600 + update,
        "paid_time": T0 + 60,
        "shipping_due_time": T0 + 3 * 86400,
        "cancel_reason": "",
        "cancellation_initiator": "",
        "is_cod": False,
        "is_sample_order": False,
        "is_on_hold_order": False,
        "is_buyer_request_cancel": False,
        "has_updated_recipient_address": False,
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "delivery_option_name": "Standard shipping",
        "payment_method_name": "Visa",
        "payment": {
            "currency": "USD",
            "original_total_product_price": "40.00",
            "seller_discount": "2.00",
            "platform_discount": "2.00",
            "sub_total": "36.00",
            "original_shipping_fee": "5.99",
            "shipping_fee_seller_discount": "0.00",
            "shipping_fee_platform_discount": "5.99",
            "shipping_fee": "0.00",
            "tax": "2.97",
            "retail_delivery_fee": "0.00",
            "total_amount": "38.97",
        },
        "recipient_address": {
            "name": "Maria Lopez",
            "phone_number": "(+1)213***89",
            "address_line1": "1200 Sunset Blvd",
            "address_line2": "Apt 4",
            "postal_code": "90012",
            "region_code": "US",
            "district_info": [
                {"address_level": "L0", "address_level_name": "Country", "address_name": "US"},
                {"address_level": "L1", "address_level_name": "State", "address_name": "CA"},
                {"address_level": "L2", "address_level_name": "County", "address_name": "LA"},
                {
                    "address_level": "L3",
                    "address_level_name": "City",
                    "address_name": "Los Angeles",
                },
            ],
        },
        "line_items": [line_item(n=1), line_item(n=2)],
        "packages": [],
    }
    for key, value in extra.items():
        obj[key] = value
    return copy.deepcopy(obj)


def shipped(obj: dict, *, package_id="1153132168123859", tracking="9400111899223197428490"):
    """The order handed to the carrier: IN_TRANSIT, its units in one package."""
    obj = copy.deepcopy(obj)
    obj["status"] = "IN_TRANSIT"
    obj["rts_time"] = obj["create_time"] + 7200
    obj["collection_time"] = obj["create_time"] + 9000
    obj["packages"] = [{"id": package_id}]
    for item in obj["line_items"]:
        item.update(
            display_status="IN_TRANSIT",
            package_id=package_id,
            package_status="FULFILLING",
            tracking_number=tracking,
            shipping_provider_name="USPS",
        )
    return obj
