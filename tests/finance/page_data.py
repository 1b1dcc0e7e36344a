"""A fixed finance data set for the page and export tests, written with the finance models:
every amount chosen so that the sums are known to the cent.

North Shop (USD), statement of 2026-11-03, paid 119.25 USD:
  order A     gross 100.00, seller discount −10.00, commission −6.00, transaction fee −2.50,
              shipping −5.00                                            = 76.50
  unknown     gross 50.00, commission −3.00 (TikTok order 999000111, not ours) = 47.00
  penalty     adjustment −4.25                                           = −4.25
  lines: gross 150.00, discounts −10.00, fees −11.50, shipping −5.00, adjustments −4.25
  settlement 119.25 = payout 119.25
North Shop, statement of 2026-11-04 (processing, no payment): order B gross 20.00, fee −1.00
  = 19.00. Order C not settled: TikTok estimates 25.00.
Harbour Shop (GBP), a shop of the same accountant: statement of 2026-11-03, 40.00 GBP.
South Shop (another shop): a statement nobody here may see.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from accounts.models import Shop
from finance.catalogue import Group, Section
from finance.models import (
    Difference,
    DifferenceKind,
    DifferenceReason,
    DifferenceStatus,
    FeeComponent,
    Payment,
    PaymentStatus,
    SettlementTransaction,
    Statement,
    TransactionComponent,
    UnsettledTransaction,
)
from finance.services.totals import totals_rebuild
from orders.models import Order
from tests.accounts.factories import ShopFactory
from tests.orders.factories import OrderFactory

D = Decimal
GROUP_FIELDS = {
    Group.REVENUE: "gross_sales_amount",
    Group.DISCOUNT: "discount_amount",
    Group.REFUND: "refund_amount",
    Group.FEE: "fee_amount",
    Group.SHIPPING: "shipping_amount",
    Group.TAX: "tax_amount",
    Group.ADJUSTMENT: "adjustment_amount",
    Group.OTHER: "unitemised_amount",
}
GROSS = (Section.REVENUE, "subtotal_before_discount_amount")
DISCOUNT = (Section.REVENUE, "seller_discount_amount")
COMMISSION = (Section.FEE, "platform_commission_amount")
TXN_FEE = (Section.FEE, "transaction_fee_amount")
SHIPPING = (Section.SHIPPING, "actual_shipping_fee_amount")
ADJUSTMENT = (Section.ADJUSTMENT, "adjustment_amount")
BUYER_PAID = (Section.REFERENCE, "customer_payment_amount")


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def statement(
    shop: Shop,
    day: date,
    *,
    settlement,
    status=PaymentStatus.PAID,
    payment=None,
    fees="0.00",
    shipping="0.00",
    adjustments="0.00",
):
    """A statement as Get Statements gives it: revenue net of seller discounts and refunds,
    fees, shipping and adjustments that add up to the settlement."""
    revenue = D(settlement) - D(fees) - D(shipping) - D(adjustments)
    return Statement.objects.create(
        shop=shop,
        statement_id=f"73{shop.pk:04d}{day:%m%d}",
        statement_time=day_start(day),
        statement_date=day,
        currency=shop.currency,
        settlement_amount=D(settlement),
        revenue_amount=revenue,
        fee_tax_amount=D(fees),
        shipping_cost_amount=D(shipping),
        adjustment_amount=D(adjustments),
        payment_status=status,
        payment=payment,
        tiktok_payment_id=payment.payment_id if payment else "",
    )


def payment(shop: Shop, day: date, amount) -> Payment:
    return Payment.objects.create(
        shop=shop,
        payment_id=f"34{shop.pk:04d}{day:%m%d}",
        create_time=day_start(day),
        status=PaymentStatus.PAID,
        amount=D(amount),
        currency=shop.currency,
        settlement_amount=D(amount),
        settlement_currency=shop.currency,
        paid_time=day_start(day),
    )


def transaction(stmt: Statement, type_code: str, *, order=None, tiktok_id="", parts: dict):
    """A settlement transaction whose group totals and settlement are its parts' sums."""
    components = {
        FeeComponent.objects.get(section=section, key=key): D(amount)
        for (section, key), amount in parts.items()
    }
    groups = {name: D("0.00") for name in GROUP_FIELDS.values()}
    for component, amount in components.items():
        if component.group in GROUP_FIELDS:
            groups[GROUP_FIELDS[component.group]] += amount
    txn = SettlementTransaction.objects.create(
        shop=stmt.shop,
        statement=stmt,
        transaction_id=f"t-{stmt.pk}-{type_code}-{tiktok_id or (order and order.order_id)}",
        type_id=type_code,
        order=order,
        order_tiktok_id=tiktok_id or (order.order_id if order else ""),
        adjustment_id="88001" if type_code != "ORDER" else "",
        currency=stmt.currency,
        settlement_amount=sum(groups.values()),
        **groups,
    )
    TransactionComponent.objects.bulk_create(
        TransactionComponent(transaction=txn, component=c, amount=a) for c, a in components.items()
    )
    totals_rebuild([stmt.pk])  # written past the store service, so its totals are too
    return txn


@dataclass
class FinanceWorld:
    shop: Shop
    gbp_shop: Shop
    foreign_shop: Shop
    order_a: Order
    order_b: Order
    order_c: Order
    paid: Statement
    processing: Statement
    gbp: Statement
    foreign: Statement
    unknown: SettlementTransaction
    differs: Difference
    unknown_difference: Difference
    explained: Difference
    foreign_difference: Difference


def difference(shop, kind, *, key, sentence, status=DifferenceStatus.OPEN, **fields):
    now = timezone.now()
    extra = {}
    if status == DifferenceStatus.EXPLAINED:
        extra = {
            "explained_at": now,
            "note": "Known: TikTok's late adjustment.",
            "explained_facts": "f",
        }
    return Difference.objects.create(
        shop=shop,
        key=key,
        kind=kind,
        sentence=sentence,
        facts="f",
        status=status,
        found_at=now,
        checked_at=now,
        **extra,
        **fields,
    )


def finance_world(
    shop: Shop, *, gbp_shop: Shop, foreign_shop: Shop | None = None, month: date = date(2026, 11, 1)
) -> FinanceWorld:
    """The data set, its statements on the 3rd and 4th of `month` (a first day)."""
    third, fourth = month.replace(day=3), month.replace(day=4)
    foreign_shop = foreign_shop or ShopFactory(slug="south-shop", name="South Shop")
    order_a = OrderFactory(shop=shop, order_id="576000000000000101", status="DELIVERED")
    order_b = OrderFactory(shop=shop, order_id="576000000000000102", status="DELIVERED")
    order_c = OrderFactory(shop=shop, order_id="576000000000000103", status="DELIVERED")
    paid = statement(
        shop,
        third,
        settlement="119.25",
        payment=payment(shop, fourth, "119.25"),
        fees="-11.50",
        shipping="-5.00",
        adjustments="-4.25",
    )
    transaction(
        paid,
        "ORDER",
        order=order_a,
        parts={
            GROSS: "100.00",
            DISCOUNT: "-10.00",
            COMMISSION: "-6.00",
            TXN_FEE: "-2.50",
            SHIPPING: "-5.00",
            BUYER_PAID: "95.00",
        },
    )
    unknown = transaction(
        paid, "ORDER", tiktok_id="999000111", parts={GROSS: "50.00", COMMISSION: "-3.00"}
    )
    transaction(paid, "PLATFORM_PENALTY", tiktok_id="", parts={ADJUSTMENT: "-4.25"})
    processing = statement(
        shop, fourth, settlement="19.00", status=PaymentStatus.PROCESSING, fees="-1.00"
    )
    transaction(processing, "ORDER", order=order_b, parts={GROSS: "20.00", TXN_FEE: "-1.00"})
    UnsettledTransaction.objects.create(
        shop=shop,
        transaction_id="u-1",
        type_id="ORDER",
        order=order_c,
        order_tiktok_id=order_c.order_id,
        currency="USD",
        est_settlement_amount=D("25.00"),
        est_revenue_amount=D("28.00"),
        est_fee_tax_amount=D("-3.00"),
        seen_at=timezone.now(),
    )
    gbp = statement(gbp_shop, third, settlement="40.00")
    transaction(gbp, "ORDER", tiktok_id="777000", parts={GROSS: "40.00"})
    foreign = statement(foreign_shop, third, settlement="5.00")
    differs = difference(
        shop,
        DifferenceKind.AMOUNT_DIFFERS,
        key=f"amount:{order_a.order_id}",
        sentence="TikTok settled 76.50 USD; the order's money predicts 80.00 USD.",
        reason=DifferenceReason.UNEXPECTED_FEE,
        statement=paid,
        order=order_a,
        order_tiktok_id=order_a.order_id,
        currency="USD",
        expected_amount=D("80.00"),
        actual_amount=D("76.50"),
    )
    unknown_difference = difference(
        shop,
        DifferenceKind.UNKNOWN_ORDER,
        key="unknown_order:999000111",
        sentence="TikTok settled order 999000111, which is not one of our orders.",
        statement=paid,
        transaction=unknown,
        order_tiktok_id="999000111",
        currency="USD",
        expected_amount=None,
        actual_amount=D("47.00"),
    )
    explained = difference(
        shop,
        DifferenceKind.NEVER_SETTLED,
        key="never:1",
        sentence="Delivered 40 days ago and never settled.",
        status=DifferenceStatus.EXPLAINED,
    )
    foreign_difference = difference(
        foreign_shop,
        DifferenceKind.UNKNOWN_ORDER,
        key="unknown_order:5",
        sentence="Another shop's difference.",
    )
    return FinanceWorld(
        shop=shop,
        gbp_shop=gbp_shop,
        foreign_shop=foreign_shop,
        order_a=order_a,
        order_b=order_b,
        order_c=order_c,
        paid=paid,
        processing=processing,
        gbp=gbp,
        foreign=foreign,
        unknown=unknown,
        differs=differs,
        unknown_difference=unknown_difference,
        explained=explained,
        foreign_difference=foreign_difference,
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
