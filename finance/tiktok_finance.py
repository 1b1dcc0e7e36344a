"""TikTok's finance objects (Get Statements, Get Transactions by Statement and by Order, Get
Unsettled Transactions, Get Payments, Get Withdrawals) as the values finance stores: ids as
text, decimal strings as signed Decimal, Unix seconds as UTC times, each breakdown key as a
typed component. The breakdowns are also kept as sent, unknown keys included."""

from datetime import datetime
from decimal import Decimal

from finance.catalogue import ADJUSTMENT_KEY, Section
from finance.values import (
    ZERO,
    FinanceRefused,
    StatementValues,
    TransactionValues,
    signed_amount,
)
from orders.order_values import OrderRefused
from orders.tiktok_values import unix_time as order_unix_time

BREAKDOWNS = (
    "revenue_breakdown",
    "shipping_cost_breakdown",
    "fee_tax_breakdown",
    "supplementary_component",
)


def tiktok_id(value, name: str, *, required: bool = False) -> str:
    if isinstance(value, bool) or value is None or value == "":
        if required:
            raise FinanceRefused(f"`{name}` is missing")
        return ""
    if not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise FinanceRefused(f"`{name}` is {str(value)[:24]!r}, not a TikTok id")
    return str(value).strip()[:32]


def unix_time(value, name: str) -> datetime | None:
    """Unix seconds as the order mapping reads them; 0 or absent is none ("not yet")."""
    try:
        return order_unix_time(value, name)
    except OrderRefused as refusal:
        raise FinanceRefused(str(refusal)) from None


def currency_code(value, name: str = "currency") -> str:
    if not isinstance(value, str) or len(value.strip()) != 3 or not value.strip().isalpha():
        raise FinanceRefused(f"`{name}` is {str(value)[:8]!r}, not a currency code")
    return value.strip().upper()


def _text(value, length: int) -> str:
    return str(value).strip()[:length] if isinstance(value, str | int) and value != "" else ""


def _amounts(section: str, values, where: str) -> list[tuple[str, str, Decimal]]:
    """The (section, key, amount) of one breakdown object; nested objects are not amounts."""
    if values in (None, ""):
        return []
    if not isinstance(values, dict):
        raise FinanceRefused(f"`{where}` is not an object")
    found = []
    for key, value in values.items():
        if isinstance(value, dict | list) or value in (None, ""):
            continue
        found.append((section, str(key)[:80], signed_amount(value, f"{where}.{key}")))
    return found


def breakdown_components(item: dict, adjustment: Decimal = ZERO) -> list:
    """Every typed amount of a transaction (or SKU row), in finance.catalogue's sections."""
    shipping = item.get("shipping_cost_breakdown") or {}
    fee_tax = item.get("fee_tax_breakdown") or {}
    if not isinstance(shipping, dict) or not isinstance(fee_tax, dict):
        raise FinanceRefused("a breakdown is not an object")
    components = [
        *_amounts(Section.REVENUE, item.get("revenue_breakdown"), "revenue_breakdown"),
        *_amounts(Section.SHIPPING, shipping, "shipping_cost_breakdown"),
        *_amounts(
            Section.SHIPPING_REFERENCE,
            shipping.get("supplementary_component"),
            "shipping_cost_breakdown.supplementary_component",
        ),
        *_amounts(Section.FEE, fee_tax.get("fee"), "fee_tax_breakdown.fee"),
        *_amounts(Section.TAX, fee_tax.get("tax"), "fee_tax_breakdown.tax"),
        *_amounts(Section.REFERENCE, item.get("supplementary_component"), "supplementary"),
    ]
    if adjustment:
        components.append((Section.ADJUSTMENT, ADJUSTMENT_KEY, adjustment))
    return components


def statement_values(item: dict) -> StatementValues:
    """A Get Statements `statements[]` object."""
    if not isinstance(item, dict):
        raise FinanceRefused("a statement is not an object")
    when = unix_time(item.get("statement_time"), "statement_time")
    if when is None:
        raise FinanceRefused("`statement_time` is missing")
    net_sales = item.get("net_sales_amount")
    return StatementValues(
        statement_id=tiktok_id(item.get("id"), "id", required=True),
        statement_time=when,
        currency=currency_code(item.get("currency")),
        settlement_amount=signed_amount(item.get("settlement_amount"), "settlement_amount"),
        revenue_amount=signed_amount(item.get("revenue_amount"), "revenue_amount"),
        fee_tax_amount=signed_amount(item.get("fee_amount"), "fee_amount"),
        shipping_cost_amount=signed_amount(item.get("shipping_cost_amount"), "shipping_cost"),
        adjustment_amount=signed_amount(item.get("adjustment_amount"), "adjustment_amount"),
        net_sales_amount=None
        if net_sales in (None, "")
        else signed_amount(net_sales, "net_sales_amount"),
        payment_status=_text(item.get("payment_status"), 12).upper(),
        tiktok_payment_id=tiktok_id(item.get("payment_id"), "payment_id"),
        payment_time=unix_time(item.get("payment_time"), "payment_time"),
        raw=item,
    )


def transaction_values(item: dict, currency: str) -> TransactionValues:
    """A Get Transactions by Statement `transactions[]` object; `currency`, the statement's,
    where the transaction names none."""
    if not isinstance(item, dict):
        raise FinanceRefused("a transaction is not an object")
    kind = _text(item.get("type"), 48).upper()
    if not kind:
        raise FinanceRefused("a transaction without a `type`")
    adjustment = signed_amount(item.get("adjustment_amount"), "adjustment_amount")
    order_id = (
        tiktok_id(item.get("order_id"), "order_id")
        or tiktok_id(item.get("adjustment_order_id"), "adjustment_order_id")
        or tiktok_id(item.get("associated_order_id"), "associated_order_id")
    )
    return TransactionValues(
        transaction_id=tiktok_id(item.get("id"), "id", required=True),
        type=kind,
        currency=currency_code(item.get("currency") or currency),
        order_tiktok_id=order_id,
        adjustment_id=tiktok_id(item.get("adjustment_id"), "adjustment_id"),
        reserve_id=tiktok_id(item.get("reserve_id"), "reserve_id"),
        reserve_status=_text(item.get("reserve_status"), 12).upper(),
        estimated_release_time=unix_time(item.get("estimated_release_time"), "release time"),
        order_create_time=unix_time(item.get("order_create_time"), "order_create_time"),
        settlement_amount=signed_amount(item.get("settlement_amount"), "settlement_amount"),
        revenue_amount=signed_amount(item.get("revenue_amount"), "revenue_amount"),
        shipping_cost_amount=signed_amount(item.get("shipping_cost_amount"), "shipping_cost"),
        fee_tax_amount=signed_amount(item.get("fee_tax_amount"), "fee_tax_amount"),
        adjustment_amount=adjustment,
        reserve_amount=signed_amount(item.get("reserve_amount"), "reserve_amount"),
        components=breakdown_components(item, adjustment),
        breakdown={key: item[key] for key in BREAKDOWNS if key in item},
    )


def sku_values(item: dict, order_id: str, currency: str) -> dict:
    """A Get Transactions by Order `sku_transactions[]` object, as TransactionSku fields."""
    if not isinstance(item, dict):
        raise FinanceRefused("a SKU transaction is not an object")
    quantity = str(item.get("quantity") or "0").strip()
    if not quantity.isdigit():
        raise FinanceRefused(f"`quantity` is {quantity[:10]!r}, not a number")
    return {
        "statement_tiktok_id": tiktok_id(item.get("statement_id"), "statement_id", required=True),
        "order_tiktok_id": order_id,
        "sku_id": tiktok_id(item.get("sku_id"), "sku_id", required=True),
        "sku_name": _text(item.get("sku_name"), 255),
        "product_name": _text(item.get("product_name"), 255),
        "quantity": int(quantity),
        "currency": currency,
        "settlement_amount": signed_amount(item.get("settlement_amount"), "settlement_amount"),
        "revenue_amount": signed_amount(item.get("revenue_amount"), "revenue_amount"),
        "shipping_cost_amount": signed_amount(item.get("shipping_cost_amount"), "shipping_cost"),
        "fee_tax_amount": signed_amount(item.get("fee_tax_amount"), "fee_tax_amount"),
        "breakdown": {key: item[key] for key in BREAKDOWNS if key in item},
    }


def unsettled_values(item: dict) -> dict:
    """A Get Unsettled Transactions `transactions[]` object, as UnsettledTransaction fields."""
    if not isinstance(item, dict):
        raise FinanceRefused("an unsettled transaction is not an object")
    estimated = item.get("estimated_settlement")
    estimated_time = None
    if isinstance(estimated, int) or (isinstance(estimated, str) and estimated.isdigit()):
        estimated_time = unix_time(estimated, "estimated_settlement")
    return {
        "transaction_id": tiktok_id(item.get("id"), "id", required=True),
        "type_code": _text(item.get("type"), 48).upper() or "ORDER",
        "order_tiktok_id": tiktok_id(item.get("order_id"), "order_id")
        or tiktok_id(item.get("adjustment_order_id"), "adjustment_order_id"),
        "adjustment_id": tiktok_id(item.get("adjustment_id"), "adjustment_id"),
        "currency": currency_code(item.get("currency")),
        "est_settlement_amount": signed_amount(item.get("est_settlement_amount"), "est"),
        "est_revenue_amount": signed_amount(item.get("est_revenue_amount"), "est_revenue"),
        "est_shipping_cost_amount": signed_amount(
            item.get("est_shipping_cost_amount"), "est_shipping_cost"
        ),
        "est_fee_tax_amount": signed_amount(item.get("est_fee_tax_amount"), "est_fee_tax"),
        "est_adjustment_amount": signed_amount(item.get("est_adjustment_amount"), "est_adjustment"),
        "estimated_settlement_time": estimated_time,
        "estimated_settlement_text": "" if estimated_time else _text(estimated, 120),
        "unsettled_reason": _text(item.get("unsettled_reason"), 255),
        "order_create_time": unix_time(item.get("order_create_time"), "order_create_time"),
        "order_delivery_time": unix_time(item.get("order_delivery_time"), "delivery time"),
        "breakdown": {key: item[key] for key in BREAKDOWNS if key in item},
    }


def _money(value, name: str) -> tuple[Decimal, str]:
    """A Get Payments money object {value, currency}."""
    if value in (None, ""):
        return ZERO, ""
    if not isinstance(value, dict):
        raise FinanceRefused(f"`{name}` is not a money object")
    currency = value.get("currency")
    return signed_amount(value.get("value"), f"{name}.value"), (
        currency_code(currency, f"{name}.currency") if currency else ""
    )


def payment_values(item: dict) -> dict:
    """A Get Payments `payments[]` object, as Payment fields."""
    if not isinstance(item, dict):
        raise FinanceRefused("a payment is not an object")
    amount, currency = _money(item.get("amount"), "amount")
    settlement, settlement_currency = _money(item.get("settlement_amount"), "settlement_amount")
    reserve, reserve_currency = _money(item.get("reserve_amount"), "reserve_amount")
    before, before_currency = _money(
        item.get("payment_amount_before_exchange"), "payment_amount_before_exchange"
    )
    rate = item.get("exchange_rate")
    created = unix_time(item.get("create_time"), "create_time")
    if created is None:
        raise FinanceRefused("`create_time` is missing")
    return {
        "payment_id": tiktok_id(item.get("id"), "id", required=True),
        "create_time": created,
        "status": _text(item.get("status"), 12).upper(),
        "amount": amount,
        "currency": currency or settlement_currency,
        "settlement_amount": settlement,
        "settlement_currency": settlement_currency,
        "reserve_amount": reserve,
        "reserve_currency": reserve_currency,
        "amount_before_exchange": before,
        "amount_before_exchange_currency": before_currency,
        "exchange_rate": None if rate in (None, "") else _rate(rate),
        "paid_time": unix_time(item.get("paid_time"), "paid_time"),
        "bank_account": _text(item.get("bank_account"), 40),
        "raw": item,
    }


def _rate(value) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except ArithmeticError:
        raise FinanceRefused(f"`exchange_rate` is {str(value)[:20]!r}, not a rate") from None
    if not rate.is_finite() or rate <= 0:
        raise FinanceRefused(f"`exchange_rate` is {value!r}, not a rate")
    return rate.quantize(Decimal("0.000001"))


def withdrawal_values(item: dict) -> dict:
    if not isinstance(item, dict):
        raise FinanceRefused("a withdrawal is not an object")
    created = unix_time(item.get("create_time"), "create_time")
    if created is None:
        raise FinanceRefused("`create_time` is missing")
    return {
        "withdrawal_id": tiktok_id(item.get("id"), "id", required=True),
        "type": _text(item.get("type"), 12).upper(),
        "amount": signed_amount(item.get("amount"), "amount"),
        "currency": currency_code(item.get("currency")),
        "status": _text(item.get("status"), 12).upper(),
        "create_time": created,
        "raw": item,
    }
