"""Storing TikTok's transactions keeps every amount signed as sent and typed by component,
an unknown key kept and listed as "other"; the summaries add up to the cent, per statement and
per month, from gross sales to the payout."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from finance.models import FeeComponent, Payment, SettlementTransaction, TransactionComponent
from finance.selectors.summary import month_summaries, statement_summary
from finance.services.store import payment_links, statement_store, transactions_store
from finance.tiktok_finance import statement_values, transaction_values
from finance.values import FinanceRefused
from tests.finance import ledger

pytestmark = pytest.mark.django_db
D = Decimal
STATEMENT = {
    "id": "7238804564097517339",
    "statement_time": 1796083200,  # 2026-12-01 00:00 UTC
    "settlement_amount": "27.85",
    "currency": "USD",
    "revenue_amount": "35.00",
    "fee_amount": "-3.35",
    "adjustment_amount": "-2.00",
    "payment_status": "PAID",
    "payment_id": "3459275187040258849",
}
ORDER_TXN = {
    "id": "7100000000000000001",
    "type": "ORDER",
    "order_id": "576000000000000001",
    "order_create_time": 1795000000,
    "settlement_amount": "29.85",
    "revenue_amount": "35.00",
    "shipping_cost_amount": "-1.80",
    "fee_tax_amount": "-3.35",
    "adjustment_amount": "0",
    "revenue_breakdown": {
        "subtotal_before_discount_amount": "40.00",
        "seller_discount_amount": "-5.00",
    },
    "shipping_cost_breakdown": {
        "actual_shipping_fee_amount": "-5.79",
        "customer_paid_shipping_fee_amount": "3.99",
        "supplementary_component": {"platform_shipping_fee_discount_amount": "2.00"},
    },
    "fee_tax_breakdown": {
        "fee": {"referral_fee_amount": "-2.80", "brand_new_fee_amount": "-0.30"},
        "tax": {"vat_amount": "-0.25"},
    },
    "supplementary_component": {"customer_payment_amount": "38.99"},
}
ADJUSTMENT_TXN = {
    "id": "7100000000000000002",
    "type": "PLATFORM_PENALTY",
    "adjustment_id": "7200000000000000002",
    "settlement_amount": "-2.00",
    "adjustment_amount": "-2.00",
}


def stored(shop):
    statement = statement_store(shop, statement_values(STATEMENT))[0]
    rows = [transaction_values(item, "USD") for item in (ORDER_TXN, ADJUSTMENT_TXN)]
    transactions_store(statement, rows)
    return statement


def test_every_amount_is_kept_signed_and_typed(shop):
    stored(shop)
    order = SettlementTransaction.objects.get(transaction_id=ORDER_TXN["id"])
    assert order.settlement_amount == D("29.85")  # exactly as TikTok returned it
    assert (order.gross_sales_amount, order.discount_amount) == (D("40.00"), D("-5.00"))
    assert (order.fee_amount, order.tax_amount, order.shipping_amount) == (
        D("-3.10"),
        D("-0.25"),
        D("-1.80"),
    )
    parts = {
        c.component.key: c.amount
        for c in TransactionComponent.objects.filter(transaction=order).select_related("component")
    }
    assert parts["referral_fee_amount"] == D("-2.80")
    assert parts["platform_shipping_fee_discount_amount"] == D("2.00")  # kept, not summed
    unknown = FeeComponent.objects.get(key="brand_new_fee_amount")
    assert (unknown.known, unknown.group, unknown.label) == (False, "fee", "Other: brand new fee")
    assert parts["brand_new_fee_amount"] == D("-0.30")
    assert order.breakdown["fee_tax_breakdown"]["fee"]["brand_new_fee_amount"] == "-0.30"
    adjustment = SettlementTransaction.objects.get(transaction_id=ADJUSTMENT_TXN["id"])
    assert adjustment.type.label == "Platform penalty"
    assert adjustment.adjustment_amount == D("-2.00") and adjustment.order_id is None


def test_a_settlement_beyond_its_components_is_kept_as_not_itemised(shop):
    statement = statement_store(shop, statement_values(STATEMENT))[0]
    odd = {**ORDER_TXN, "settlement_amount": "30.00"}  # 0.15 more than its parts
    transactions_store(statement, [transaction_values(odd, "USD")])
    row = SettlementTransaction.objects.get()
    assert row.unitemised_amount == D("0.15")
    assert row.settlement_amount == D("30.00")


def test_the_statement_summary_adds_up_to_the_cent(shop):
    statement = stored(shop)
    Payment.objects.create(
        shop=shop,
        payment_id=STATEMENT["payment_id"],
        create_time=datetime(2026, 12, 2, tzinfo=UTC),
        status="PAID",
        amount=D("27.85"),
        currency="USD",
    )
    payment_links(shop)
    summary = statement_summary(statement)
    lines = dict(summary.lines)
    assert lines == {
        "Gross sales": D("40.00"),
        "Seller discounts": D("-5.00"),
        "Refunds": D("0.00"),
        "Fees": D("-3.10"),
        "Shipping": D("-1.80"),
        "Taxes": D("-0.25"),
        "Adjustments": D("-2.00"),
        "Not itemised by TikTok": D("0.00"),
    }
    assert summary.transactions == summary.settlement == D("27.85")
    assert summary.payable == D("27.85") and summary.payout == D("27.85")
    assert summary.adds_up


def test_a_month_adds_up_over_its_statements(shop, books):
    from django.utils import timezone

    month = books["second"].statement_date
    summaries = month_summaries(shop, month.year, month.month)
    (summary,) = [s for s in summaries if s.currency == "USD"]
    assert summary.adds_up and summary.statements >= 1
    total = sum(
        SettlementTransaction.objects.filter(
            shop=shop, statement__statement_date__year=month.year,
            statement__statement_date__month=month.month, statement__currency="USD",
        ).values_list("settlement_amount", flat=True),
        D(0),
    )  # fmt: skip
    assert summary.transactions == total
    # The statements were stored without TikTok's totals: the gap is said, not hidden.
    assert summary.not_in_transactions == summary.settlement - total
    assert timezone.now()  # the month is today's or last month's, whichever holds it


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("settlement_amount", "12,50", "not an amount"),
        ("settlement_amount", "1.234", "whole cents"),
        ("currency", "$$", "not a currency code"),
        ("id", "abc", "not a TikTok id"),
    ],
)
def test_a_value_that_cannot_be_read_refuses_its_transaction(field, value, words):
    with pytest.raises(FinanceRefused, match=words):
        transaction_values({**ORDER_TXN, field: value}, "USD")


def test_a_second_statement_of_the_same_day_is_refused(shop):
    stored(shop)
    other = {**STATEMENT, "id": "7238804564097517000"}
    with pytest.raises(FinanceRefused, match="of that day is stored already"):
        statement_store(shop, statement_values(other))


def test_a_file_statement_is_taken_over_by_the_api_s(shop):
    file_statement = ledger.statement(shop, datetime(2026, 12, 1, tzinfo=UTC), 0)
    file_statement.statement_id = ""
    file_statement.save()
    statement, created, _ = statement_store(shop, statement_values(STATEMENT))
    assert not created and statement.pk == file_statement.pk
    assert statement.statement_id == STATEMENT["id"]
