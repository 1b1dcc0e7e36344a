"""Orders with fixed money for the insights tests: every figure countable by hand."""

from decimal import Decimal

from orders.models import BuyerRequest, Order, OrderLine
from orders.services.sales_rollups import sales_days_touched
from tests.orders.factories import OrderFactory

# Parameters the insights page (and the API's figures) refuse, with words of the sentence.
REFUSED_QUERIES = [
    ({"period": "last_fortnight"}, "is not a period"),
    ({"compare": "yesterday"}, "is not a comparison"),
    ({"period": "last_24h"}, "whole days"),
    ({"date_from": "2020-01-01", "date_to": "2025-01-02"}, "at most 5 years"),
    ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "Date from is after Date to"),
    ({"date_from": "10/03/2026"}, "is not a date"),
    ({"date_to": "2026-03-10"}, "Give the first day"),
    ({"currency": "EUR"}, "is not the currency of any shop shown"),
]


def order(shop, created, status="DELIVERED", units=1, lines=None, **money):
    """An order with fixed money and one line of `units` items; or, with `lines`, those
    lines (dicts of line fields: `sku_id`, `product_id`, `product_name`, `variation`,
    `seller_sku`, `quantity`, `returned_quantity`, `sales` for the subtotal after discount).
    Other keyword arguments set order fields (`state="CA"`, `region_code="US"`, money)."""
    made = OrderFactory(shop=shop, status=status, create_time=created)
    existing = OrderLine.objects.filter(order=made)
    first = existing.first()
    existing.exclude(pk=first.pk).delete()
    if lines is None:
        # The factory's refunds return a line whole now and then: that line is reset here.
        existing.update(quantity=units, returned_quantity=0)
    else:
        _replace_lines(first, lines)
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
    # Written past the services, so the day's roll-ups are marked here as a service would.
    sales_days_touched([made])
    return made


def _replace_lines(template: OrderLine, specs: list[dict]) -> None:
    """The order's lines as given, each a copy of the generated one with its own fields."""
    OrderLine.objects.filter(pk=template.pk).delete()
    for n, spec in enumerate(specs):
        spec = dict(spec)
        sales = Decimal(spec.pop("sales", "10.00"))
        line = OrderLine(
            order_id=template.order_id,
            package_id=template.package_id,
            display_status=template.display_status,
            sku_id=spec.pop("sku_id", f"{template.sku_id}{n}"),
            product_id=spec.pop("product_id", template.product_id),
            product_name=spec.pop("product_name", template.product_name),
            variation=spec.pop("variation", ""),
            seller_sku=spec.pop("seller_sku", ""),
            quantity=spec.pop("quantity", 1),
            returned_quantity=spec.pop("returned_quantity", 0),
            unit_original_price=sales,
            subtotal_before_discount=sales,
            platform_discount=Decimal("0"),
            seller_discount=Decimal("0"),
            subtotal_after_discount=sales,
            **spec,
        )
        line.save()
