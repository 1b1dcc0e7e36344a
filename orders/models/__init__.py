"""The order models, one module per subject: the order, its parts, its timeline, refunds,
saved views of the list and the daily and monthly sales roll-ups. Import them from here."""

from orders.models.events import OrderEvent
from orders.models.fields import (
    BILLING_ADDRESS_FIELDS,
    BILLING_COMPARED,
    LATER_TIMES,
    PAYMENT_FIELDS,
    RECIPIENT_FIELDS,
    SHIPPING_ADDRESS_FIELDS,
    ZERO,
    money,
)
from orders.models.order import Order
from orders.models.parts import OrderLine, Package
from orders.models.refunds import Refund, RefundLine
from orders.models.requests import BuyerRequest
from orders.models.sales_months import (
    SalesMonth,
    SalesMonthSku,
    SkuMonth,
    SkuMonthRegion,
    SkuMonthWith,
)
from orders.models.sales_rollups import (
    SalesDay,
    SalesDayDirty,
    SalesDaySku,
    SkuDay,
    SkuDayRegion,
    SkuDayWith,
)
from orders.models.saved_views import SavedView

__all__ = [
    "BILLING_ADDRESS_FIELDS",
    "BILLING_COMPARED",
    "BuyerRequest",
    "LATER_TIMES",
    "PAYMENT_FIELDS",
    "RECIPIENT_FIELDS",
    "SHIPPING_ADDRESS_FIELDS",
    "ZERO",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Package",
    "Refund",
    "RefundLine",
    "SalesDay",
    "SalesDayDirty",
    "SalesDaySku",
    "SalesMonth",
    "SalesMonthSku",
    "SavedView",
    "SkuDay",
    "SkuDayRegion",
    "SkuDayWith",
    "SkuMonth",
    "SkuMonthRegion",
    "SkuMonthWith",
    "money",
]
