"""TikTok's cancellation and return objects as Search Cancellations and Search Returns answer
them (the shapes of TikTok's samples), for the mapping's tests."""

import time

NOW = int(time.time())


def money(total="12.50", currency="USD") -> dict:
    return {
        "currency": currency,
        "refund_total": total,
        "refund_subtotal": total,
        "refund_shipping_fee": "0.00",
        "refund_tax": "0.00",
    }


def cancellation(order_id: str, cancel_id="4035319218955782461", **overrides) -> dict:
    obj = {
        "cancel_id": cancel_id,
        "order_id": order_id,
        "cancel_type": "BUYER_CANCEL",
        "cancel_status": "CANCELLATION_REQUEST_PENDING",
        "role": "BUYER",
        "cancel_reason": "ecom_order_to_ship_canceled_reason_changed_mind",
        "cancel_reason_text": "Changed my mind",
        "create_time": NOW - 600,
        "update_time": NOW - 600,
        "seller_next_action_response": [
            {"action": "SELLER_RESPOND_CANCEL", "deadline": NOW + 2 * 86400}
        ],
        "refund_amount": money(),
        "cancel_line_items": [
            {
                "cancel_line_item_id": "4035319218955782462",
                "order_line_item_id": "576486316948490011",
                "sku_id": "1729382256910270001",
                "sku_name": "Black, XL",
                "product_name": "Everyday hoodie",
                "seller_sku": "HOOD-BLK-XL",
                "refund_amount": money(),
            }
        ],
    }
    return obj | overrides


def return_object(order_id: str, return_id="4035319218955790001", **overrides) -> dict:
    obj = {
        "return_id": return_id,
        "order_id": order_id,
        "return_type": "REFUND",
        "return_status": "RETURN_OR_REFUND_REQUEST_PENDING",
        "arbitration_status": "",
        "role": "BUYER",
        "return_reason": "ecom_order_delivered_refund_and_return_reason_damaged",
        "return_reason_text": "Arrived damaged",
        "create_time": NOW - 300,
        "update_time": NOW - 300,
        "seller_next_action_response": [
            {"action": "SELLER_RESPOND_REFUND", "deadline": NOW + 86400}
        ],
        "refund_amount": money("20.00"),
        "return_line_items": [
            {
                "return_line_item_id": "4035319218955790002",
                "order_line_item_id": "576486316948490012",
                "sku_id": "1729382256910270002",
                "sku_name": "Blue",
                "product_name": "Travel mug",
                "seller_sku": "MUG-BLU",
                "refund_amount": money("20.00"),
            }
        ],
    }
    return obj | overrides
