"""The order page's "TikTok paid": the settlement with its fee breakdown once settled, TikTok's
estimate before, nothing for roles without the finance permission."""

import pytest

from orders.links import order_url
from tests.finance.page_data import signed_in

pytestmark = pytest.mark.django_db


def page(client, order) -> str:
    response = client.get(order_url("orders:detail", order))
    assert response.status_code == 200
    return response.content.decode()


def test_a_settled_order_shows_what_tiktok_paid_with_fees(fin, as_accountant):
    html = page(as_accountant, fin.order_a)
    assert "TikTok paid" in html
    assert "Settled (USD)" in html and "76.50" in html
    assert "TikTok Shop commission" in html and "-6.00" in html
    assert "statement of Nov 3, 2026" in html


def test_an_order_not_settled_shows_the_estimate(fin, as_accountant):
    html = page(as_accountant, fin.order_c)
    assert "Estimated (USD)" in html and "25.00" in html
    assert "not settled yet" in html


def test_an_order_with_nothing_from_tiktok_says_so(fin, as_accountant, shop):
    from tests.orders.factories import OrderFactory

    html = page(as_accountant, OrderFactory(shop=shop))
    assert "Not settled yet, and TikTok has no estimate for it." in html


def test_the_administrator_sees_it_too(fin, admin):
    assert "TikTok paid" in page(signed_in(admin), fin.order_a)


@pytest.mark.parametrize("who", ["viewer", "cs_agent", "packer"])
def test_roles_without_finance_see_nothing_of_it(fin, who, request):
    html = page(signed_in(request.getfixturevalue(who)), fin.order_a)
    assert "tiktok-paid" not in html and "Settled (USD)" not in html


def test_the_paid_lines_add_up_as_the_database_sums_them(fin):
    """The lines are summed from the transactions the page reads (no second query): the same
    figures as SQL's SUM over the order's transactions, per currency."""
    from decimal import Decimal

    from django.db.models import Sum

    from finance.models import SettlementTransaction
    from finance.selectors.order_paid import order_paid
    from finance.selectors.summary import LINES

    second = SettlementTransaction.objects.get(order=fin.order_a)
    second.pk, second.transaction_id, second.refund_amount = None, "t-second", Decimal("-7.25")
    second.save()  # order_a settled in two transactions
    for order in (fin.order_a, fin.order_b):
        (paid,) = order_paid(order=order)
        sums = SettlementTransaction.objects.filter(order=order).aggregate(
            settlement=Sum("settlement_amount"), **{name: Sum(name) for name, _ in LINES}
        )
        assert paid.settlement == sums["settlement"]
        assert paid.lines == [(label, sums[name]) for name, label in LINES if sums[name]]
        assert len(paid.transactions) == SettlementTransaction.objects.filter(order=order).count()
    assert len(order_paid(order=fin.order_a)[0].transactions) == 2
