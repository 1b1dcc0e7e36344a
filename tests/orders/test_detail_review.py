"""The order page after the issue-14 review: what it offers matches what the services allow
(refunds, tracking, the packing slip), refund lines read as words, addresses skip empty lines,
and a person's event without its person still says who."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from orders.models import OrderEvent, Refund
from orders.services.refunds import RefundRefused, refund_request
from orders.statuses import ActorType, EventKind, RefundStatus
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _page(client, user, order) -> str:
    client.force_login(user)
    response = client.get(f"/orders/{order.order_id}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def unpaid(shop):
    return OrderFactory(shop=shop, status="UNPAID", order_id="576910000000000001")


@pytest.fixture
def cancelled_unpaid(shop):
    return OrderFactory(
        shop=shop, status="CANCELLED", order_id="576910000000000002", paid_time=None
    )


# --- F4: nothing paid, nothing to refund; tracking only where the service allows it ---------


@pytest.mark.parametrize("fixture", ["unpaid", "cancelled_unpaid"])
def test_an_order_never_paid_cannot_be_refunded(request, admin, fixture):
    order = request.getfixturevalue(fixture)
    with pytest.raises(RefundRefused, match="never paid"):
        refund_request(order=order, actor=admin, reason="Asked", whole_order=True)
    assert not order.refunds.exists()
    order.refresh_from_db()
    assert order.refunded_amount == 0


def test_refunding_an_unpaid_order_over_http_changes_nothing_and_says_why(client, admin, unpaid):
    client.force_login(admin)
    response = client.post(
        f"/orders/{unpaid.order_id}/refunds/",
        {"whole_order": "on", "reason": "Asked"},
        follow=True,
    )
    text = response.content.decode()
    assert "No refund was made" in text and "never paid" in text
    assert not unpaid.refunds.exists()


def test_the_page_offers_no_refund_and_no_tracking_form_on_an_unpaid_order(client, admin, unpaid):
    body = _page(client, admin, unpaid)
    assert "Refund…" not in body
    assert "never paid" in body
    assert 'name="tracking_number"' not in body


def test_the_page_offers_tracking_and_refunds_on_an_order_to_ship(client, admin, shop):
    order = OrderFactory(shop=shop, status="AWAITING_SHIPMENT", order_id="576910000000000003")
    body = _page(client, admin, order)
    assert "Refund…" in body and 'name="tracking_number"' in body


def test_no_refund_is_offered_when_nothing_is_left(client, admin, shop):
    order = OrderFactory(
        shop=shop, status="DELIVERED", order_id="576910000000000004", refunds=False
    )
    order.refunded_amount = order.total_amount
    order.save(update_fields=["refunded_amount"])
    body = _page(client, admin, order)
    assert "Refund…" not in body
    assert "Nothing is left to refund" in body


# --- F5: a refund that waits says who decides --------------------------------------------


@pytest.fixture
def requested(shop):
    order = OrderFactory(
        shop=shop, status="DELIVERED", order_id="576910000000000005", refunds=False
    )
    Refund.objects.create(
        order=order,
        amount=Decimal("5.00"),
        reason="Missing item in package",
        status=RefundStatus.REQUESTED,
        requested_at=timezone.now(),
    )
    return order


@pytest.mark.parametrize(
    "role",
    [Role.CUSTOMER_SERVICE, Role.FULFILMENT, Role.ACCOUNTANT, Role.VIEWER],
)
def test_a_waiting_refund_says_who_decides_to_those_who_cannot(client, requested, role, role_users):
    body = _page(client, role_users[role], requested)
    assert "Waiting for a shop administrator’s decision" in body
    assert 'value="approve"' not in body


def test_an_administrator_gets_the_decision_buttons(client, admin, requested):
    body = _page(client, admin, requested)
    assert 'value="approve"' in body and "Waiting for a shop administrator" not in body


# --- F16: refund lines in words, with their currency --------------------------------------


def test_the_refund_timeline_line_names_the_currency_and_separates_the_reason(client, admin, shop):
    order = OrderFactory(
        shop=shop, status="DELIVERED", order_id="576910000000000006", refunds=False
    )
    refund_request(order=order, actor=admin, reason="Parcel lost, customer asked", amount="1.50")
    body = _page(client, admin, order)
    assert "Refund completed</strong> — 1.50 USD · Parcel lost, customer asked" in body
    assert f"Include shipping ({order.shipping_fee} USD)" in body


# --- F17: the packing slip is for those who fulfil ----------------------------------------


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.FULFILMENT, True),
        (Role.CUSTOMER_SERVICE, False),
        (Role.ACCOUNTANT, False),
        (Role.VIEWER, False),
    ],
)
def test_only_roles_that_fulfil_get_the_packing_slip(client, shop, role, offered, role_users):
    order = OrderFactory(shop=shop, status="AWAITING_SHIPMENT", order_id="576910000000000007")
    body = _page(client, role_users[role], order)
    assert ("Packing slip" in body) is offered
    slip = client.get(f"/orders/{order.order_id}/packing-slip/")
    assert slip.status_code == (200 if offered else 403)


# --- F20: no empty address lines ---------------------------------------------------------


def test_an_address_without_a_street_has_no_empty_line(client, admin, shop):
    order = OrderFactory(
        shop=shop,
        status="AWAITING_SHIPMENT",
        order_id="576910000000000008",
        recipient_name="Mikayla Brown",
        address_line1="",
        address_line2="",
        city="Los Angeles",
        state="California",
        postal_code="90012",
        billing_name="Mikayla Brown",
        billing_address_line1="12 Main St",
        billing_city="",
        billing_state="",
        billing_postal_code="",
    )
    body = _page(client, admin, order)
    assert "Mikayla Brown<br>Los Angeles, California 90012" in body
    assert "<br><br>" not in body.replace("\n", "").replace(" ", "")
    assert "12 Main St<br>US" in body


# --- F15: demo events, and a person's event without its person ---------------------------


def test_a_persons_event_whose_person_is_gone_says_so(client, admin, shop):
    order = OrderFactory(shop=shop, status="DELIVERED", order_id="576910000000000009")
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.NOTE,
        actor_type=ActorType.USER,
        actor=None,
        occurred_at=timezone.now(),
        payload={"body": "Called the buyer"},
    )
    body = _page(client, admin, order)
    assert "· A removed member" in body
    assert "· Person" not in body


@pytest.mark.parametrize(
    "status, why",
    [
        ("IN_TRANSIT", "the carrier and TikTok move it on from here"),
        ("DELIVERED", "the carrier and TikTok move it on from here"),
        ("COMPLETED", "there is nothing left to ship"),
        ("CANCELLED", "there is nothing left to ship"),
    ],
)
def test_a_fulfilment_card_with_nothing_to_do_says_why(client, packer, shop, status, why):
    body = _page(client, packer, OrderFactory(shop=shop, status=status))
    card = body.split('id="fulfilment"', 1)[1].split("</section>", 1)[0]
    assert "Change status" not in card and "Add tracking number" not in card
    assert "Nothing to do here while the order is" in card and why in card


def test_a_fulfilment_card_with_a_next_step_has_no_such_sentence(client, packer, shop):
    body = _page(client, packer, OrderFactory(shop=shop, status="AWAITING_SHIPMENT"))
    assert "Nothing to do here" not in body
