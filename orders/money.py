"""TikTok's money identities (docs/tiktok.md "Money"), computed once for every producer; and
an amount and a number of orders as the pages write them.

sub_total    = original_total_product_price - seller_discount - platform_discount
shipping_fee = original_shipping_fee - shipping_fee_seller_discount
               - shipping_fee_platform_discount
total_amount = sub_total + shipping_fee + tax + retail_delivery_fee
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import ngettext

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount, currency: str) -> str:
    """An amount as the pages write it: "1,234.50 USD"."""
    return f"{intcomma(f'{amount:.2f}')} {currency}"


def orders_text(n: int) -> str:
    """A number of orders in words: "1 order", "1,204 orders"."""
    return ngettext("%(n)s order", "%(n)s orders", n) % {"n": intcomma(n)}


def line_amounts(
    *,
    unit_original_price: Decimal,
    quantity: int,
    platform_discount: Decimal,
    seller_discount: Decimal,
) -> dict[str, Decimal]:
    """Per-line amounts as TikTok's SKU columns state them (discounts are line totals)."""
    before = to_money(unit_original_price * quantity)
    after = before - to_money(platform_discount) - to_money(seller_discount)
    if after < 0:
        raise ValueError("Line discounts exceed the line's subtotal")
    return {
        "unit_original_price": to_money(unit_original_price),
        "subtotal_before_discount": before,
        "platform_discount": to_money(platform_discount),
        "seller_discount": to_money(seller_discount),
        "subtotal_after_discount": after,
    }


def order_totals(
    *,
    lines: Iterable,
    original_shipping_fee: Decimal,
    shipping_fee_seller_discount: Decimal = Decimal(0),
    shipping_fee_platform_discount: Decimal = Decimal(0),
    tax: Decimal = Decimal(0),
    retail_delivery_fee: Decimal = Decimal(0),
) -> dict[str, Decimal]:
    """The order's payment breakdown from its lines (objects with the line_amounts fields)."""
    lines = list(lines)
    original = sum((line.subtotal_before_discount for line in lines), Decimal(0))
    seller = sum((line.seller_discount for line in lines), Decimal(0))
    platform = sum((line.platform_discount for line in lines), Decimal(0))
    shipping = (
        to_money(original_shipping_fee)
        - to_money(shipping_fee_seller_discount)
        - to_money(shipping_fee_platform_discount)
    )
    if shipping < 0:
        raise ValueError("Shipping discounts exceed the shipping fee")
    sub_total = original - seller - platform
    return {
        "original_total_product_price": to_money(original),
        "seller_discount": to_money(seller),
        "platform_discount": to_money(platform),
        "sub_total": to_money(sub_total),
        "original_shipping_fee": to_money(original_shipping_fee),
        "shipping_fee_seller_discount": to_money(shipping_fee_seller_discount),
        "shipping_fee_platform_discount": to_money(shipping_fee_platform_discount),
        "shipping_fee": to_money(shipping),
        "tax": to_money(tax),
        "retail_delivery_fee": to_money(retail_delivery_fee),
        "total_amount": to_money(
            sub_total + shipping + to_money(tax) + to_money(retail_delivery_fee)
        ),
    }
