"""Buyers' requests where people see them: the needs-action counters of the list and the
overview (one set of rules), the list's `request` filter, and the order page's card."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import BuyerRequest
from orders.needs_action import NEEDS_ACTION
from tests.orders.factories import OrderFactory
from tests.orders.test_refund_queue import counters, listed

pytestmark = pytest.mark.django_db


def _request(order, kind="cancellation", *, deadline=timedelta(days=1), **fields):
    values = {
        "kind": kind,
        "request_id": f"40353192189557{order.pk:05d}",
        "request_type": "BUYER_CANCEL" if kind == "cancellation" else "RETURN_AND_REFUND",
        "status": (
            "CANCELLATION_REQUEST_PENDING"
            if kind == "cancellation"
            else "RETURN_OR_REFUND_REQUEST_PENDING"
        ),
        "role": "BUYER",
        "reason_text": "Changed my mind" if kind == "cancellation" else "Too small",
        "currency": order.currency,
        "refund_total": Decimal("15.00"),
        "seller_action": "SELLER_RESPOND_CANCEL"
        if kind == "cancellation"
        else "SELLER_RESPOND_RETURN",
        "deadline": timezone.now() + deadline,
        "awaits_seller": True,
        "tiktok_created_at": timezone.now() - timedelta(hours=1),
        "tiktok_updated_at": timezone.now() - timedelta(hours=1),
    }
    return BuyerRequest.objects.create(order=order, **(values | fields))


@pytest.fixture
def orders(shop):
    made = {
        name: OrderFactory(shop=shop, status=status, is_buyer_request_cancel=flag)
        for name, status, flag in (
            ("cancel", "AWAITING_SHIPMENT", True),
            ("flag_only", "AWAITING_SHIPMENT", True),  # a file's order: no request known
            ("cancel_answered", "AWAITING_SHIPMENT", True),
            ("cancel_late", "AWAITING_SHIPMENT", False),
            ("ret", "DELIVERED", False),
            ("quiet", "DELIVERED", False),
        )
    }
    _request(made["cancel"])
    _request(made["cancel_answered"], awaits_seller=False, answer="reject")
    _request(made["cancel_late"], deadline=-timedelta(minutes=5))
    _request(made["ret"], "return")
    return {name: order.order_id for name, order in made.items()}


def test_needs_action_reads_the_requests_that_wait_for_the_seller(client, admin, orders):
    client.force_login(admin)

    assert listed(client, needs_action="cancel_requested") == {
        orders["cancel"],
        orders["flag_only"],
    }
    assert orders["ret"] in listed(client, needs_action="refund_requested")
    shown = counters(client)
    assert shown[NEEDS_ACTION["cancel_requested"]] == "2"


def test_the_overview_counts_as_the_list_does(client, admin, orders):
    client.force_login(admin)
    (entry,) = client.get("/").context["shops"]
    shown = counters(client)
    for code in ("cancel_requested", "refund_requested"):
        assert entry.needs_action[code] == int(shown[NEEDS_ACTION[code]])


def test_the_request_filter(client, viewer, orders):
    client.force_login(viewer)

    assert listed(client, request="any_open") == {orders["cancel"], orders["ret"]}
    assert listed(client, request="cancellation") == {
        orders["cancel"],
        orders["cancel_answered"],
        orders["cancel_late"],
    }
    assert listed(client, request="return") == {orders["ret"]}
    chips = client.get("/orders/", {"request": "any_open"}).context["page"].chips
    assert [chip.label for chip in chips] == ["Buyer request: Waiting for the seller's answer"]


def test_an_unknown_request_filter_value_is_a_form_error_not_a_500(client, viewer, orders):
    client.force_login(viewer)
    response = client.get("/orders/", {"request": "everything"})
    assert response.status_code == 200
    assert "request" in response.context["page"].filterset.form.errors


def test_the_order_page_shows_the_request_in_the_shops_zone(client, shop, cs_agent, orders):
    shop.timezone = "America/New_York"
    shop.save(update_fields=["timezone"])
    request = BuyerRequest.objects.get(order__order_id=orders["ret"])
    client.force_login(cs_agent)

    page = client.get(f"/orders/{orders['ret']}/").content.decode()

    assert "Buyer requests" in page and "Buyer asked to return the item for a refund" in page
    assert "Too small" in page and "15.00" in page
    deadline = request.deadline.astimezone(shop.zone)
    assert f"{deadline:%b} {deadline.day}, {deadline:%H:%M}" in page
    assert "23 hours left" in page
    # The shop is not connected to TikTok: nothing to answer from here.
    assert "answer the request in TikTok Seller Center" in page
    assert 'name="decision" value="approve"' not in page


def test_a_past_deadline_says_so(client, cs_agent, orders):
    client.force_login(cs_agent)
    page = client.get(f"/orders/{orders['cancel_late']}/").content.decode()
    assert "The deadline to answer passed" in page
