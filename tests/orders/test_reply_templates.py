"""Ready-made replies fit the order's state: no "your order is on its way"
for an order not shipped or cancelled, no "we expect to ship it" once it has shipped."""

import pytest

from orders.statuses import EventKind, OrderStatus, RefundStatus
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
S = OrderStatus
OFFERED = {
    S.UNPAID: set(),
    S.ON_HOLD: {"delay"},
    S.AWAITING_SHIPMENT: {"delay"},
    S.PARTIALLY_SHIPPING: {"where", "delay"},
    S.AWAITING_COLLECTION: {"delay"},
    S.IN_TRANSIT: {"where"},
    S.DELIVERED: {"delivered"},
    S.COMPLETED: {"delivered"},
    S.CANCELLED: {"cancelled"},
}


def _offered(client, order) -> set[str]:
    response = client.get(f"/orders/{order.order_id}/")
    return {code for code, _, _ in response.context["reply_templates"]}


@pytest.mark.parametrize("status", list(OrderStatus))
def test_each_state_offers_the_replies_that_fit_it(client, cs_agent, shop, status):
    order = OrderFactory(shop=shop, status=status, total_amount=100)  # no refunds
    client.force_login(cs_agent)
    assert _offered(client, order) == OFFERED[status]


def test_the_refund_reply_is_offered_once_a_refund_is_under_way(client, cs_agent, shop):
    order = OrderFactory(shop=shop, status=S.DELIVERED, total_amount=100)
    client.force_login(cs_agent)
    assert "refund" not in _offered(client, order)
    order.refunds.create(
        amount=5, reason="Damaged", status=RefundStatus.REQUESTED, requested_at=order.update_time
    )
    assert "refund" in _offered(client, order)
    order.refunds.update(status=RefundStatus.REJECTED)
    assert "refund" not in _offered(client, order)


def test_a_reply_that_does_not_fit_cannot_be_prefilled(client, cs_agent, shop):
    order = OrderFactory(shop=shop, status=S.AWAITING_SHIPMENT)
    # The demo builder may have replied to the buyer already (which reply depends on the
    # factory's sequence, so on which tests ran before): only the form's text is looked for.
    order.events.filter(kind=EventKind.MESSAGE_TO_BUYER).delete()
    client.force_login(cs_agent)
    response = client.get(f"/orders/{order.order_id}/", {"reply": "where"})
    assert response.context["message_initial"] == ""
    page = response.content.decode()
    assert "on its way" not in page
