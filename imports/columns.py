"""What TikTok's columns hold, by our column names: the words of its statuses, fulfilment types
and countries, which Order field each text, money and time column fills, and which columns
are identifiers, parsed values or buyer's text.

A declarative catalogue: reading a cell is imports/cells.py's, planning an order imports/plan.py's.
"""

from accounts.csvsafe import FORMULA_TRIGGERS
from imports.read import HEADERS
from orders.statuses import (
    TIKTOK_COUNTRY,
    TIKTOK_FULFILMENT,
    TIKTOK_STATUS,
    OrderStatus,
)

BY_SUBSTATUS = {
    **{words[1].lower(): status for status, words in TIKTOK_STATUS.items()},
    # Thai files write the status words in Thai.
    "รอเข้ารับ": OrderStatus.AWAITING_COLLECTION,  # awaiting collection
    "จัดส่งสำเร็จ": OrderStatus.DELIVERED,  # delivered
}

BY_STATUS = {
    "unpaid": OrderStatus.UNPAID,
    "on hold": OrderStatus.ON_HOLD,
    "to ship": OrderStatus.AWAITING_SHIPMENT,
    "awaiting shipment": OrderStatus.AWAITING_SHIPMENT,
    "awaiting collection": OrderStatus.AWAITING_COLLECTION,
    "shipped": OrderStatus.IN_TRANSIT,
    "in transit": OrderStatus.IN_TRANSIT,
    "delivered": OrderStatus.DELIVERED,
    "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED,
    "canceled": OrderStatus.CANCELLED,
    "ที่จะจัดส่ง": OrderStatus.AWAITING_SHIPMENT,  # to ship
    "จัดส่งแล้ว": OrderStatus.IN_TRANSIT,  # shipped
    "ยกเลิกแล้ว": OrderStatus.CANCELLED,  # cancelled
}

BY_FULFILMENT = {words.lower(): kind for kind, words in TIKTOK_FULFILMENT.items()}

COUNTRIES = {name.lower(): code for code, name in TIKTOK_COUNTRY.items()}

# Our column → the Order field it fills, for text taken as written (masked values included).
TEXT_FIELDS = {
    "buyer_username": "buyer_username",
    "buyer_message": "buyer_message",
    "seller_note": "seller_note",
    "recipient": "recipient_name",
    "phone": "recipient_phone",
    "address1": "address_line1",
    "address2": "address_line2",
    "district": "district",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
    "payment_method": "payment_method_name",
    "cancel_reason": "cancel_reason",
    "warehouse": "warehouse_name",
    "delivery_option": "delivery_option_name",
}

ORDER_MONEY = {
    "original_shipping_fee": "original_shipping_fee",
    "shipping_fee_seller_discount": "shipping_fee_seller_discount",
    "shipping_fee_platform_discount": "shipping_fee_platform_discount",
    "shipping_fee": "shipping_fee",
    "tax": "tax",
    "retail_delivery_fee": "retail_delivery_fee",
    "total": "total_amount",
    "refunded": "refunded_amount",
}

TIMES = {
    "created": "create_time",
    "paid": "paid_time",
    "rts": "rts_time",
    "shipped": "collection_time",
    "delivered": "delivery_time",
    "cancelled": "cancel_time",
}

ORDER_COLUMNS = (
    "status",
    "substatus",
    "order_type",
    *TEXT_FIELDS,
    *ORDER_MONEY,
    *TIMES,
    "country",
    "fulfillment_type",
)

# Text beginning with one of these is kept as typed and noted: exports write it behind a `'`
# (accounts.csvsafe) so a spreadsheet shows it as text. A phone number's `+44` is not noted.
NOTED_STARTS = tuple(c for c in FORMULA_TRIGGERS if c.strip())

UNNOTED_COLUMNS = ("phone",)

# Columns that hold identifiers: a formula there is an error, not a buyer's text.
ID_COLUMNS = ("order_id", "sku_id", "seller_sku", "package_id", "tracking_number")


def header(key: str) -> str:
    return HEADERS[key][0].title()


LINE_NUMBERS = (
    "quantity",
    "returned_quantity",
    "unit_price",
    "line_before",
    "line_platform_discount",
    "line_seller_discount",
    "line_after",
)

# Columns read as numbers, dates or known words, which refuse a formula as they refuse any
# other text that is not one.
PARSED_COLUMNS = {
    *ORDER_MONEY,
    *TIMES,
    *LINE_NUMBERS,
    "status",
    "substatus",
}

WORD_COLUMNS = ("status", "substatus", "order_type", "fulfillment_type", "country")
