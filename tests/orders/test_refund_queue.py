"""Refunds waiting for approval: the administrator's queue, customer service's "pending" view,
and one set of needs-action rules behind the overview and the list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from orders.models import Refund
from tests.accounts.factories import member
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(client, shop, cs_agent):
    """Customer service refunds 5.00 of a delivered order above the shop's limit of 1.00: it
    waits for an administrator. Another order has a completed refund, a third the buyer's own
    request through TikTok (no member asked)."""
    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    orders = {
        name: OrderFactory(
            shop=shop, status="DELIVERED", order_id=f"57690000000000001{n}", refunds=False
        )
        for n, name in enumerate(("waiting", "done", "buyer"))
    }
    client.force_login(cs_agent)
    client.post(
        f"/orders/{orders['waiting'].order_id}/refunds/", {"amount": "5.00", "reason": "Broken"}
    )
    client.post(f"/orders/{orders['done'].order_id}/refunds/", {"amount": "0.50", "reason": "Late"})
    assert orders["waiting"].refunds.get().status == "REQUESTED"
    assert orders["done"].refunds.get().status == "COMPLETED"
    Refund.objects.create(
        order=orders["buyer"],
        amount=Decimal("2"),
        reason="Not as described",
        status="REQUESTED",
        requested_at=timezone.now(),
    )
    client.logout()
    return {name: order.order_id for name, order in orders.items()}


def listed(client, **params) -> set[str]:
    response = client.get("/orders/", params)
    assert response.status_code == 200
    assert not response.context["page"].filterset.form.errors
    return {row.order.order_id for row in response.context["page"].rows}


def counters(client) -> dict[str, str]:
    """The list's needs-action counters as the counts request renders them: label → number."""
    body = client.get("/orders/counts/").content.decode()
    found = re.findall(r'class="counter[^"]*"[^>]*>([^<]+?) <strong>([\d,+]+)</strong>', body)
    return {label.strip(): number for label, number in found}


def test_the_administrator_has_a_queue_of_refunds_awaiting_approval(client, admin, waiting):
    client.force_login(admin)
    assert listed(client, needs_action="refund_approval") == {waiting["waiting"]}
    assert listed(client, needs_action="refund_requested") == {waiting["buyer"]}
    shown = counters(client)
    assert shown["Refund awaiting approval"] == "1"
    assert shown["Refund requested by the buyer"] == "1"
    assert "My refunds pending approval" not in shown  # an administrator's never wait
    chips = client.get("/orders/", {"needs_action": "refund_approval"}).context["page"].chips
    assert [chip.label for chip in chips] == ["Needs action: Refund awaiting approval"]


def test_the_overview_counts_the_same_queue_and_links_to_it(client, admin, waiting):
    client.force_login(admin)
    response = client.get("/")
    (entry,) = response.context["shops"]
    assert entry.needs_action["refund_approval"] == 1
    assert entry.needs_action["refund_requested"] == 1
    body = response.content.decode()
    link = "/orders/?shop=north-shop&amp;needs_action=refund_approval"
    assert f'<a href="{link}">Refund awaiting approval</a>' in body


def test_customer_service_sees_its_own_refunds_as_pending(client, shop, cs_agent, waiting):
    other_agent = member(shop=shop, role=Role.CUSTOMER_SERVICE, email="cs2@example.test")
    client.force_login(cs_agent)
    assert listed(client, needs_action="my_refund_pending") == {waiting["waiting"]}
    shown = counters(client)
    assert shown["My refunds pending approval"] == "1"
    assert "Refund awaiting approval" not in shown  # not theirs to approve
    (entry,) = client.get("/").context["shops"]
    assert entry.needs_action["my_refund_pending"] == 1
    assert "refund_approval" not in entry.needs_action

    client.force_login(other_agent)  # someone else's refund is not "mine"
    assert listed(client, needs_action="my_refund_pending") == set()
    assert counters(client)["My refunds pending approval"] == "0"


def test_a_decided_refund_leaves_the_queue(client, admin, waiting):
    refund = Refund.objects.get(order__order_id=waiting["waiting"])
    client.force_login(admin)
    client.post(f"/orders/{waiting['waiting']}/refunds/{refund.pk}/", {"decision": "reject"})
    assert listed(client, needs_action="refund_approval") == set()
    (entry,) = client.get("/").context["shops"]
    assert entry.needs_action["refund_approval"] == 0


def test_roles_without_refunds_see_no_refund_queue(client, viewer, waiting):
    client.force_login(viewer)
    shown = counters(client)
    assert "Refund awaiting approval" not in shown and "My refunds pending approval" not in shown
    (entry,) = client.get("/").context["shops"]
    assert set(entry.needs_action) == {
        "ship_within_24h",
        "overdue",
        "cancel_requested",
        "tracking_exception",
        "refund_requested",
    }


def test_overview_and_list_count_every_reason_alike(client, shop, admin, waiting):
    now = timezone.now()
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=now + timedelta(hours=5))
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=now - timedelta(hours=1))
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", is_buyer_request_cancel=True)
    client.force_login(admin)
    (entry,) = client.get("/").context["shops"]
    from orders.needs_action import NEEDS_ACTION

    list_counts = {}
    for code, label in NEEDS_ACTION.items():
        if code in entry.needs_action:
            list_counts[code] = int(counters(client)[label])
    assert list_counts == entry.needs_action
    assert entry.needs_action["overdue"] >= 1 and entry.needs_action["cancel_requested"] >= 1


@pytest.mark.parametrize("value", ["awaiting_approval", "REFUND_APPROVAL", "my_refund"])
def test_an_unknown_needs_action_value_is_refused_not_ignored(client, admin, waiting, value):
    client.force_login(admin)
    response = client.get("/orders/", {"needs_action": value})
    assert response.status_code == 200
    assert "needs_action" in response.context["page"].filterset.form.errors
    assert "Needs action: Select a valid choice" in response.content.decode()
