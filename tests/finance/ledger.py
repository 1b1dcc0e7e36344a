"""A fixed finance data set for the reconciliation tests: our orders, and the statements
TikTok would send for them, written through the store service as the pull writes them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from finance.services.store import statement_store, transactions_store
from finance.values import StatementValues, TransactionValues
from orders.money import to_money

D = Decimal


def day(days_ago: int, now: datetime) -> datetime:
    start = (now - timedelta(days=days_ago)).astimezone(UTC)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def statement(shop, when: datetime, number: int, currency: str = "USD"):
    values = StatementValues(
        statement_id=f"7300{number:014d}", statement_time=when, currency=currency
    )
    return statement_store(shop, values)[0]


NOTHING, REFERRAL, LABEL = D(0), D("0.08"), D("-4.50")


def order_settlement(
    order, *, txn: str, revenue_change=NOTHING, fee_rate=REFERRAL, refund=False,
    currency=None, shipping=LABEL,
) -> TransactionValues:  # fmt: skip
    """TikTok's ORDER transaction for `order`: its sales less the seller's discount (and the
    refund when `refund`), a referral fee at `fee_rate`, a transaction fee, a label."""
    gross, seller = order.original_total_product_price, order.seller_discount
    sales = gross - seller
    components = [
        ("revenue", "subtotal_before_discount_amount", gross),
        ("revenue", "seller_discount_amount", -seller + revenue_change),
    ]
    if refund:
        components += [
            ("revenue", "refund_subtotal_before_discount_amount", -gross),
            ("revenue", "seller_discount_refund_amount", seller),
        ]
    referral, transaction_fee = -to_money(sales * fee_rate), -to_money(sales * D("0.029"))
    components += [
        ("fee", "referral_fee_amount", referral),
        ("fee", "transaction_fee_amount", transaction_fee),
        ("shipping", "actual_shipping_fee_amount", shipping),
        ("reference", "customer_payment_amount", order.total_amount),
    ]
    revenue = sum((a for s, _, a in components if s == "revenue"), D(0))
    fees = referral + transaction_fee
    return TransactionValues(
        transaction_id=txn,
        type="ORDER",
        currency=currency or order.currency,
        order_tiktok_id=order.order_id,
        settlement_amount=revenue + fees + shipping,
        revenue_amount=revenue,
        shipping_cost_amount=shipping,
        fee_tax_amount=fees,
        components=components,
    )


def adjustment(order_id: str, *, txn: str, amount: D, kind="SHIPPING_FEE_ADJUSTMENT"):
    return TransactionValues(
        transaction_id=txn,
        type=kind,
        currency="USD",
        order_tiktok_id=order_id,
        adjustment_id="9" + txn,
        settlement_amount=amount,
        adjustment_amount=amount,
        components=[("adjustment", "adjustment_amount", amount)],
    )


def store(statement_row, *rows):
    return transactions_store(statement_row, list(rows))
