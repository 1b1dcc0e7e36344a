from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import membership_grant
from orders.statuses import OrderStatus
from tests.accounts.factories import ShopFactory
from tests.finance import ledger
from tests.finance.page_data import finance_world, signed_in
from tests.finance.pull_world import pull_world  # noqa: F401 - a fixture of these tests
from tests.orders.factories import OrderFactory


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def delivered(shop, now):
    """make(number, days_ago=20, **fields): a delivered order of `shop`, nothing refunded.
    Its money comes from a seed of its number, so it is the same whichever tests ran first."""

    def make(number: int, days_ago: int = 20, **fields):
        created = now - timedelta(days=days_ago + 3)
        order = OrderFactory(
            shop=shop,
            order_id=f"5760000000000{number:05d}",
            seed=number,
            status=OrderStatus.COMPLETED,
            create_time=created,
            delivery_time=now - timedelta(days=days_ago),
            **fields,
        )
        assert "refunded_amount" in fields or not order.refunded_amount, "a seed with a refund"
        return order

    return make


@pytest.fixture
def books(shop, delivered, now):
    """The fixed data set: one order of each kind of difference, and one that matches."""
    ok = delivered(1)
    refunded = delivered(2)
    refunded.refunded_amount = refunded.total_amount
    refunded.save(update_fields=["refunded_amount"])
    greedy = delivered(3)
    adjusted = delivered(4)
    elsewhere = delivered(5)
    off = delivered(6)
    forgotten = delivered(7, days_ago=45)
    first = ledger.statement(shop, ledger.day(80, now), 1)  # the shop's first statement
    second = ledger.statement(shop, ledger.day(10, now), 2)
    ledger.store(first)
    ledger.store(
        second,
        ledger.order_settlement(ok, txn="801"),
        ledger.order_settlement(refunded, txn="802"),  # the refund is not in it
        ledger.order_settlement(greedy, txn="803", fee_rate=Decimal("0.40")),
        ledger.order_settlement(adjusted, txn="804"),
        ledger.adjustment(adjusted.order_id, txn="805", amount=Decimal("-3.00")),
        ledger.order_settlement(elsewhere, txn="806", currency="GBP"),
        ledger.order_settlement(off, txn="807", revenue_change=Decimal("-1.50")),
        ledger.order_settlement(
            OrderFactory.build(shop=shop, order_id="579000000000000999"), txn="808"
        ),
    )
    return {
        "ok": ok,
        "refunded": refunded,
        "greedy": greedy,
        "adjusted": adjusted,
        "elsewhere": elsewhere,
        "off": off,
        "forgotten": forgotten,
        "first": first,
        "second": second,
    }


# The pages' and exports' fixed data set (tests/finance/page_data.py) -----------------------


@pytest.fixture
def gbp_shop(db):
    return ShopFactory(
        slug="harbour-shop",
        name="Harbour Shop",
        market="GB",
        currency="GBP",
        timezone="Europe/London",
    )


@pytest.fixture
def fin(shop, gbp_shop, accountant):
    """The fixed data set; the accountant keeps the books of both North and Harbour."""
    membership_grant(shop=gbp_shop, user=accountant, role=Role.ACCOUNTANT, actor=None)
    return finance_world(shop, gbp_shop=gbp_shop)


@pytest.fixture
def as_accountant(accountant):
    return signed_in(accountant)
