"""Orders with fixed money for the insights tests: every figure countable by hand."""

from decimal import Decimal

from django.db.models import Value
from django.db.models.functions import Least

from orders.models import BuyerRequest, Order, OrderLine
from tests.orders.factories import OrderFactory


def order(shop, created, status="DELIVERED", units=1, **money):
    """An order with fixed money and one line of `units` items."""
    made = OrderFactory(shop=shop, status=status, create_time=created)
    lines = OrderLine.objects.filter(order=made)
    lines.exclude(pk=lines.first().pk).delete()
    # A generated line may have had more items returned than `units`: keep it within.
    lines.update(quantity=units, returned_quantity=Least("returned_quantity", Value(units)))
    fields = {
        "currency": shop.currency,
        "original_total_product_price": Decimal("100.00"),
        "seller_discount": Decimal("0"),
        "platform_discount": Decimal("0"),
        "shipping_fee": Decimal("5.00"),
        "shipping_fee_seller_discount": Decimal("0"),
        "shipping_fee_platform_discount": Decimal("0"),
        "tax": Decimal("8.00"),
        "retail_delivery_fee": Decimal("0"),
        "refunded_amount": Decimal("0"),
        "has_refund": False,
        "collection_time": None,
        "shipping_due_time": None,
        **money,
    }
    fields["sub_total"] = (
        fields["original_total_product_price"]
        - fields["seller_discount"]
        - fields["platform_discount"]
    )
    fields["original_shipping_fee"] = (
        fields["shipping_fee"]
        + fields["shipping_fee_seller_discount"]
        + fields["shipping_fee_platform_discount"]
    )
    fields["total_amount"] = (
        fields["sub_total"] + fields["shipping_fee"] + fields["tax"] + fields["retail_delivery_fee"]
    )
    Order.objects.filter(pk=made.pk).update(**fields)
    BuyerRequest.objects.filter(order=made).delete()
    return made
