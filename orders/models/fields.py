"""The columns orders share: money, TikTok ids, and the lists of fields that belong together."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

ZERO = Decimal("0.00")
tiktok_order_id_validator = RegexValidator(
    r"^\d{18,19}$", "A TikTok order id is an 18–19 digit number."
)


def money(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    """A non-negative amount in the order's currency."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


# Money columns of the TikTok payment breakdown, in the order TikTok adds them up.
PAYMENT_FIELDS = (
    "original_total_product_price",
    "seller_discount",
    "platform_discount",
    "sub_total",
    "original_shipping_fee",
    "shipping_fee_seller_discount",
    "shipping_fee_platform_discount",
    "shipping_fee",
    "tax",
    "retail_delivery_fee",
    "total_amount",
)


# The addresses an order holds, field by field in the order people read them: the shipping
# address (its recipient first), and the billing address beside it, which has no district.
RECIPIENT_FIELDS = ("recipient_name", "recipient_phone")
SHIPPING_ADDRESS_FIELDS = (
    "address_line1",
    "address_line2",
    "district",
    "city",
    "state",
    "postal_code",
    "region_code",
)
BILLING_ADDRESS_FIELDS = (
    "billing_name",
    *(f"billing_{name}" for name in SHIPPING_ADDRESS_FIELDS if name != "district"),
)
# Where a billing address differs from the shipping address (`billing_<name>` against `<name>`).
BILLING_COMPARED = ("address_line1", "postal_code", "region_code")


# Times that can only come after the order was created.
LATER_TIMES = (
    "paid_time",
    "rts_time",
    "collection_time",
    "delivery_time",
    "cancel_time",
    "update_time",
)


def non_negative_checks(fields: tuple[str, ...], prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(**{f"{name}__gte": 0}), name=f"{prefix}_{name}_gte_0")
        for name in fields
    ]
