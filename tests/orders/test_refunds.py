"""Refunds: limits, approval, what is still refundable, and two people refunding at once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders.models import Order, Refund
from orders.services.refunds import RefundRefused, refund_request
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(shop):
    return OrderFactory(shop=shop, status="DELIVERED", order_id="576900000000000001", refunds=False)


def _refund(client, order, **data):
    data.setdefault("reason", "Damaged on arrival")
    return client.post(f"/orders/{order.order_id}/refunds/", data)


def test_customer_service_refunds_within_the_limit_at_once(client, cs_agent, delivered):
    client.force_login(cs_agent)
    _refund(client, delivered, amount="10.00")  # the shop's limit is 50
    refund = delivered.refunds.get()
    delivered.refresh_from_db()
    assert refund.status == "COMPLETED" and refund.requested_by == cs_agent
    assert delivered.refunded_amount == Decimal("10.00")
    assert delivered.events.filter(kind="refund", payload__status="COMPLETED").exists()


def test_above_the_limit_it_waits_for_an_administrator(client, shop, cs_agent, admin, delivered):
    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    amount = Decimal("5.00")
    client.force_login(cs_agent)
    _refund(client, delivered, amount=str(amount))
    refund = delivered.refunds.get()
    assert refund.status == "REQUESTED"
    delivered.refresh_from_db()
    assert delivered.refunded_amount == 0
    assert (
        client.post(
            f"/orders/{delivered.order_id}/refunds/{refund.pk}/", {"decision": "approve"}
        ).status_code
        == 403
    )
    client.force_login(admin)
    client.post(f"/orders/{delivered.order_id}/refunds/{refund.pk}/", {"decision": "approve"})
    refund.refresh_from_db()
    delivered.refresh_from_db()
    assert refund.status == "COMPLETED" and refund.approved_by == admin
    assert delivered.refunded_amount == amount


def test_items_and_quantities_refund_their_share_and_count_as_returned(client, admin, delivered):
    line = delivered.lines.first()
    # Two units for 28.05: one is 14.025, rounded half up to the cent as money is (the
    # factory's random amounts made this test fail whenever a share ended in a half cent).
    delivered.lines.filter(pk=line.pk).update(quantity=2, subtotal_after_discount=Decimal("28.05"))
    Order.objects.filter(pk=delivered.pk).update(total_amount=Decimal("500.00"))
    client.force_login(admin)
    _refund(client, delivered, **{f"qty_{line.pk}": "1", "include_shipping": "on"})
    refund = delivered.refunds.get()
    assert refund.amount == Decimal("14.03") + delivered.shipping_fee
    line.refresh_from_db()
    assert line.returned_quantity == 1 and refund.includes_shipping


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "-5"},
        {"amount": "0"},
        {"amount": "abc"},
        {"amount": "99999"},
        {"amount": "5", "reason": " "},
        {"qty_999999": "1"},
        {},
        {"qty_x": "1"},
        {"qty_\u00b2": "1"},
        {f"qty_{2**63}": "1"},
        {"qty_1": "9" * 5000},  # more digits than int() converts: once a 500
        {"qty_1": "\u00b2"},
    ],
)
def test_bad_refunds_change_nothing(client, admin, delivered, data):
    client.force_login(admin)
    response = _refund(client, delivered, **data)
    assert response.status_code == 302
    assert not delivered.refunds.exists()
    delivered.refresh_from_db()
    assert delivered.refunded_amount == 0


def test_a_line_of_another_order_is_refused(admin, shop, delivered):
    other = OrderFactory(shop=shop, status="DELIVERED")
    with pytest.raises(RefundRefused, match="not part of this order"):
        refund_request(
            order=delivered, actor=admin, reason="x", quantities={other.lines.first().pk: 1}
        )


@pytest.mark.parametrize("role", ["packer", "accountant", "viewer"])
def test_roles_without_refund_permission_get_403(client, delivered, role, request):
    client.force_login(request.getfixturevalue(role))
    assert _refund(client, delivered, amount="1").status_code == 403
    assert not delivered.refunds.exists()


def test_another_shops_order_is_404_for_refunds(client, outsider, delivered):
    client.force_login(outsider)
    assert _refund(client, delivered, amount="1").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_exceed_the_total(postgres, admin, shop):
    order = OrderFactory(shop=shop, status="DELIVERED", refunds=False)
    amount = (order.total_amount * Decimal("0.6")).quantize(Decimal("0.01"))
    barrier, outcomes = threading.Barrier(2), []

    def attempt():
        barrier.wait()
        try:
            refund_request(
                order=Order.objects.get(pk=order.pk),
                actor=admin,
                amount=amount,
                reason="Duplicate click",
            )
            outcomes.append("ok")
        except RefundRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    order.refresh_from_db()
    assert order.refunded_amount == amount
    assert Refund.objects.filter(order=order).count() == 1


def test_refund_the_whole_order(client, admin, delivered):
    client.force_login(admin)
    _refund(client, delivered, whole_order="on")
    delivered.refresh_from_db()
    assert delivered.refunded_amount == delivered.total_amount
    assert delivered.refunds.get().includes_shipping
    _refund(client, delivered, whole_order="on")  # nothing left
    assert delivered.refunds.count() == 1


def test_the_page_offers_what_the_service_still_allows(client, shop, cs_agent, delivered):
    """One "still refundable": total less refunded less what waits for approval."""
    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    client.force_login(cs_agent)
    _refund(client, delivered, amount="5.00")  # waits for an administrator
    left = delivered.total_amount - Decimal("5.00")
    page = client.get(f"/orders/{delivered.order_id}/")
    assert page.context["refundable"] == left
    assert not hasattr(Order, "refundable_amount")  # no second, disagreeing definition
    with pytest.raises(RefundRefused):
        refund_request(
            order=delivered, actor=cs_agent, amount=str(left + Decimal("0.01")), reason="x"
        )
