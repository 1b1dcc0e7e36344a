"""/orders/<order_id>/: everything about one order, per role, in a fixed number of queries."""

import pytest

from accounts.models import AuditEvent
from orders.models import OrderEvent
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(shop):
    order = OrderFactory(
        shop=shop,
        status="DELIVERED",
        order_id="576700000000000001",
        recipient_name="Olivia Smith",
        recipient_phone="(+1)4155550121",
        buyer_message="<script>alert('x')</script> leave at door",
    )
    # The demo builder may reply to the buyer itself, signed by a member of the shop: the
    # message tests count only the replies they send.
    order.events.filter(kind="message_out").delete()
    return order


def test_detail_shows_lines_money_packages_and_timeline(client, cs_agent, order):
    client.force_login(cs_agent)
    body = client.get(f"/orders/{order.order_id}/").content.decode()
    for line in order.lines.all():
        assert line.product_name in body and line.sku_id in body
        if line.discount_total:  # to the cent, not rounded to whole units
            assert f"−{line.discount_total:,}" in body
    package = order.packages.get()
    assert package.tracking_number in body and package.shipping_provider_name in body
    assert f"{order.total_amount:,}" in body and "Net after refunds" in body
    assert "Status changed" in body and "Delivered, front door" in body


def test_buyer_contact_is_unmasked_for_customer_service_and_audited(client, cs_agent, order):
    client.force_login(cs_agent)
    body = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Olivia Smith" in body and "(+1)4155550121" in body
    event = AuditEvent.objects.get(action="buyer_data_viewed")
    assert (event.actor, event.shop, event.target) == (cs_agent, order.shop, order.order_id)


def test_buyer_contact_is_masked_for_viewers_and_not_audited(client, viewer, order):
    client.force_login(viewer)
    body = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Olivia Smith" not in body and "O*** S***" in body
    assert "(+1)415****21" in body and "4155550121" not in body
    assert not AuditEvent.objects.filter(action="buyer_data_viewed").exists()


def test_buyer_text_is_escaped(client, cs_agent, order):
    client.force_login(cs_agent)
    body = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_another_shops_order_is_404_and_anonymous_signs_in(client, outsider, order):
    assert client.get(f"/orders/{order.order_id}/")["Location"].startswith("/accounts/login/")
    client.force_login(outsider)
    assert client.get(f"/orders/{order.order_id}/").status_code == 404
    assert client.get("/orders/576799999999999999/").status_code == 404


@pytest.mark.parametrize("role", ["admin", "cs_agent", "packer", "accountant", "viewer"])
def test_every_role_of_the_shop_may_open_its_orders(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/orders/{order.order_id}/").status_code == 200


def test_query_count_does_not_grow_with_lines_or_events(
    client, cs_agent, shop, order, django_assert_max_num_queries
):
    client.force_login(cs_agent)
    with django_assert_max_num_queries(40) as baseline:
        client.get(f"/orders/{order.order_id}/")
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order=order,
            kind="note",
            actor_type="user",
            occurred_at=order.update_time,
            payload={"body": f"note {n}"},
        )
        for n in range(30)
    )
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(f"/orders/{order.order_id}/")


def test_the_list_links_each_order_and_an_exact_id_search(client, cs_agent, order):
    client.force_login(cs_agent)
    listing = client.get("/orders/", {"q": order.order_id}).content.decode()
    assert f'href="/orders/{order.order_id}/"' in listing and "open it" in listing


# --- internal notes --------------------------------------------------------------------


def _note(client, order, body="Called the buyer, parcel is at the neighbour's", **extra):
    return client.post(f"/orders/{order.order_id}/notes/", {"body": body, **extra})


def notes_of(order):
    return list(order.events.filter(kind="note").values_list("payload__body", flat=True))


@pytest.mark.parametrize("role", ["admin", "cs_agent", "packer"])
def test_roles_with_the_permission_add_notes_to_the_timeline(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    response = _note(client, order)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.order_id}/"
    assert notes_of(order) == ["Called the buyer, parcel is at the neighbour's"]
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Internal note" in page and "parcel is at the neighbour" in page


@pytest.mark.parametrize("role", ["accountant", "viewer"])
def test_roles_without_it_get_403_and_no_form(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    assert 'name="body"' not in client.get(f"/orders/{order.order_id}/").content.decode()
    response = _note(client, order)
    assert response.status_code == 403 and "Add internal notes" in response.content.decode()
    assert notes_of(order) == []


def test_another_shops_order_is_404_for_notes(client, outsider, order):
    client.force_login(outsider)
    assert _note(client, order).status_code == 404
    assert notes_of(order) == []


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_empty_or_huge_notes_are_refused(client, cs_agent, order, body):
    client.force_login(cs_agent)
    response = _note(client, order, body=body)
    assert response.status_code == 302
    assert notes_of(order) == []
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("The note was not added" in m for m in messages)


def test_a_bad_hidden_field_says_the_form_was_out_of_date(client, cs_agent, order):
    client.force_login(cs_agent)
    response = _note(client, order, submission_id="a\x00b")
    assert notes_of(order) == []
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "The note was not added: The form was out of date; reload the page and try again."
    ]


def test_a_double_submitted_form_adds_one_note(client, cs_agent, order):
    client.force_login(cs_agent)
    _note(client, order, submission_id="abc123")
    _note(client, order, submission_id="abc123")
    assert len(notes_of(order)) == 1


def test_notes_need_a_csrf_token_and_are_escaped(cs_agent, order):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cs_agent)
    assert _note(strict, order).status_code == 403
    relaxed = Client()
    relaxed.force_login(cs_agent)
    _note(relaxed, order, body="<img src=x onerror=alert(1)>")
    page = relaxed.get(f"/orders/{order.order_id}/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


# --- status and tracking number ---------------------------------------------------------


@pytest.fixture
def to_ship(shop):
    return OrderFactory(shop=shop, status="AWAITING_SHIPMENT", order_id="576700000000000002")


def test_fulfilment_adds_a_tracking_number_and_the_order_awaits_collection(client, packer, to_ship):
    client.force_login(packer)
    response = client.post(
        f"/orders/{to_ship.order_id}/tracking/",
        {"carrier": "UPS", "tracking_number": "1z999aa10123456784"},
    )
    assert response.status_code == 302
    to_ship.refresh_from_db()
    package = to_ship.packages.get()
    assert (package.shipping_provider_name, package.tracking_number) == (
        "UPS",
        "1Z999AA10123456784",
    )
    assert to_ship.status == "AWAITING_COLLECTION" and to_ship.rts_time is not None
    assert all(line.package_id == package.pk for line in to_ship.lines.all())
    assert to_ship.events.filter(kind="tracking_updated", actor=packer).count() == 1
    client.post(
        f"/orders/{to_ship.order_id}/tracking/",  # the same parcel again
        {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"},
    )
    assert to_ship.packages.count() == 1


@pytest.mark.parametrize(
    ("carrier", "number"),
    [("", "1Z999AA10123456784"), ("UPS", "12"), ("UPS", "<script>"), ("UPS", "9" * 41)],
)
def test_bad_tracking_input_changes_nothing(client, packer, to_ship, carrier, number):
    client.force_login(packer)
    client.post(
        f"/orders/{to_ship.order_id}/tracking/", {"carrier": carrier, "tracking_number": number}
    )
    to_ship.refresh_from_db()
    assert to_ship.status == "AWAITING_SHIPMENT" and not to_ship.packages.exists()


def test_status_change_follows_the_transition_table(client, admin, to_ship):
    client.force_login(admin)
    client.post(f"/orders/{to_ship.order_id}/status/", {"status": "DELIVERED"})
    to_ship.refresh_from_db()
    assert to_ship.status == "AWAITING_SHIPMENT"  # illegal: not shipped yet
    response = client.post(f"/orders/{to_ship.order_id}/status/", {"status": "CANCELLED"})
    to_ship.refresh_from_db()
    assert to_ship.status == "AWAITING_SHIPMENT"  # cancelling needs a reason
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("Say why" in m for m in messages)
    client.post(
        f"/orders/{to_ship.order_id}/status/", {"status": "CANCELLED", "reason": "Out of stock"}
    )
    to_ship.refresh_from_db()
    assert (to_ship.status, to_ship.cancel_reason) == ("CANCELLED", "Out of stock")


def test_status_messages_and_the_timeline_name_statuses_by_their_labels(client, admin, shop):
    moving = OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(admin)
    response = client.post(f"/orders/{moving.order_id}/status/", {"status": "DELIVERED"})
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "Nothing changed: An order cannot move from In transit to Delivered. "
        "Only TikTok or the carrier marks an order delivered or completed."
    ]
    to_ship = OrderFactory(shop=shop, status="AWAITING_SHIPMENT", refunds=False)
    to_ship.events.all().delete()
    url = f"/orders/{to_ship.order_id}/"
    client.post(f"{url}refunds/", {"amount": "1.00", "reason": "Late"})
    client.post(f"{url}status/", {"status": "CANCELLED", "reason": "Out of stock"})
    body = client.get(url).content.decode()
    assert "Awaiting shipment → Cancelled (Out of stock)" in body
    assert "Refund completed</strong> — 1.00 USD · Late" in body
    for code in ("AWAITING_SHIPMENT", "CANCELLED", "COMPLETED", "REQUESTED"):
        assert code not in body.replace(f"status-{code.lower()}", "")


@pytest.mark.parametrize("role", ["cs_agent", "accountant", "viewer"])
def test_roles_without_fulfilment_permission_get_403(client, to_ship, role, request):
    client.force_login(request.getfixturevalue(role))
    assert "Add tracking number" not in client.get(f"/orders/{to_ship.order_id}/").content.decode()
    for url, data in (
        ("status", {"status": "CANCELLED", "reason": "x"}),
        ("tracking", {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}),
    ):
        assert client.post(f"/orders/{to_ship.order_id}/{url}/", data).status_code == 403
    to_ship.refresh_from_db()
    assert to_ship.status == "AWAITING_SHIPMENT"


def test_fulfilment_on_another_shops_order_is_404(client, outsider, to_ship):
    client.force_login(outsider)
    assert (
        client.post(
            f"/orders/{to_ship.order_id}/status/", {"status": "CANCELLED", "reason": "x"}
        ).status_code
        == 404
    )


# --- messages to the buyer ----------------------------------------------------------------


def test_customer_service_messages_the_buyer_by_email(client, cs_agent, order, mailoutbox):
    client.force_login(cs_agent)
    response = client.post(
        f"/orders/{order.order_id}/messages/", {"body": "Your parcel arrives tomorrow."}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [order.buyer_email]
    assert order.order_id in mailoutbox[0].subject
    event = order.events.get(kind="message_out", actor=cs_agent)
    assert event.payload == {"body": "Your parcel arrives tomorrow.", "delivery": "sent"}


def test_a_ready_made_reply_fills_the_message(client, cs_agent, order):
    client.force_login(cs_agent)
    body = client.get(f"/orders/{order.order_id}/", {"reply": "delivered"}).content.decode()
    tracking = order.packages.get().tracking_number
    assert "as delivered with" in body and tracking in body  # the order is delivered


@pytest.mark.parametrize("body", ["", "x" * 2001])
def test_empty_or_huge_messages_are_not_sent(client, cs_agent, order, mailoutbox, body):
    client.force_login(cs_agent)
    client.post(f"/orders/{order.order_id}/messages/", {"body": body})
    assert mailoutbox == [] and not order.events.filter(kind="message_out", actor=cs_agent).exists()


@pytest.mark.parametrize("role", ["packer", "accountant", "viewer"])
def test_roles_without_messaging_get_403(client, order, mailoutbox, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.post(f"/orders/{order.order_id}/messages/", {"body": "hi"}).status_code == 403
    assert mailoutbox == []


def test_a_failed_delivery_is_recorded_not_shown_as_sent(client, cs_agent, order, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(cs_agent)
    client.post(f"/orders/{order.order_id}/messages/", {"body": "Hello"})
    event = order.events.get(kind="message_out", actor=cs_agent)
    assert event.payload["delivery"].startswith("failed")


def test_packing_slip_lists_items_address_and_instructions(client, packer, viewer, order):
    client.force_login(packer)
    body = client.get(f"/orders/{order.order_id}/packing-slip/").content.decode()
    for line in order.lines.all():
        assert line.product_name in body and str(line.quantity) in body
    assert "Olivia Smith" in body and "leave at door" in body and "&lt;script&gt;" in body
    client.force_login(viewer)  # a slip is for packing: roles that do not fulfil get none
    assert client.get(f"/orders/{order.order_id}/packing-slip/").status_code == 403


# --- every form of the page refuses bad input the same way, and changes nothing -----------


def _state(order) -> tuple:
    """Everything an action could change on an order."""
    from orders.models import Order

    return (
        Order.objects.values().get(pk=order.pk),
        list(order.events.values_list("pk", flat=True)),
        list(order.refunds.values_list("pk", flat=True)),
        list(order.packages.values_list("pk", flat=True)),
        list(order.lines.values_list("returned_quantity", flat=True)),
    )


def _flash(client, response) -> list[str]:
    assert response.status_code == 302
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


@pytest.mark.parametrize(
    "amount",
    [
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "-0",
        "1e400",
        "1E2",
        "\u0661\u0660",  # Arabic-Indic 10
        "\uff11\uff10",  # full-width 10
        "1,50",
        "5 5",
    ],
)
def test_refund_amounts_are_ascii_numbers_never_nan_or_infinity(client, admin, to_ship, amount):
    client.force_login(admin)
    before = _state(to_ship)
    response = client.post(
        f"/orders/{to_ship.order_id}/refunds/", {"amount": amount, "reason": "Damaged"}
    )
    messages = _flash(client, response)
    assert _state(to_ship) == before
    assert any(m.startswith("No refund was made: Amount: Enter an amount like") for m in messages)


@pytest.mark.parametrize("amount", ["10.999", "0.001", "1.005"])
def test_more_than_two_decimals_is_refused_not_rounded(client, admin, to_ship, amount):
    client.force_login(admin)
    before = _state(to_ship)
    response = client.post(
        f"/orders/{to_ship.order_id}/refunds/", {"amount": amount, "reason": "Damaged"}
    )
    assert "No refund was made: Amount: Enter an amount with at most 2 decimals." in _flash(
        client, response
    )
    assert _state(to_ship) == before


def test_an_amount_in_a_currency_without_decimals_has_none(client, admin, shop):
    from decimal import Decimal

    order = OrderFactory(shop=shop, status="DELIVERED", currency="VND", refunds=False)
    client.force_login(admin)
    url = f"/orders/{order.order_id}/refunds/"
    refused = client.post(url, {"amount": "10.50", "reason": "Damaged"})
    assert any("no decimals" in m for m in _flash(client, refused))
    assert not order.refunds.exists()
    client.post(url, {"amount": "10", "reason": "Damaged"})
    assert order.refunds.get().amount == Decimal("10")


@pytest.mark.parametrize("quantity", ["\u0661", "\uff11", "1.0", "+1", "-1"])
def test_refund_quantities_are_ascii_whole_numbers(client, admin, to_ship, quantity):
    line = to_ship.lines.first()
    client.force_login(admin)
    before = _state(to_ship)
    response = client.post(
        f"/orders/{to_ship.order_id}/refunds/",
        {f"qty_{line.pk}": quantity, "reason": "Damaged"},
    )
    assert any("No refund was made" in m for m in _flash(client, response))
    assert _state(to_ship) == before
    arabic_id = "".join(chr(0x0660 + int(d)) for d in str(line.pk))
    client.post(
        f"/orders/{to_ship.order_id}/refunds/", {f"qty_{arabic_id}": "1", "reason": "Damaged"}
    )
    assert _state(to_ship) == before


ACTIONS = [
    ("notes", {"body": "Called the buyer\x00"}, "The note was not added"),
    ("messages", {"body": "Hello\x00"}, "Not sent"),
    ("refunds", {"amount": "1.00", "reason": "Dam\x00aged"}, "No refund was made"),
    ("status", {"status": "CANCELLED", "reason": "Out of\x00 stock"}, "Nothing changed"),
    ("tracking", {"carrier": "U\x00PS", "tracking_number": "1Z999AA10123456784"}, "Nothing"),
    ("notes", {"body": "Escape \x1b[31m"}, "The note was not added"),
    ("refunds", {"amount": "1.00", "reason": "Bell\x07"}, "No refund was made"),
]


@pytest.mark.parametrize(("action", "data", "refused"), ACTIONS)
def test_control_characters_in_any_form_are_refused_and_change_nothing(
    client, admin, to_ship, mailoutbox, action, data, refused
):
    client.force_login(admin)
    before = _state(to_ship)
    response = client.post(f"/orders/{to_ship.order_id}/{action}/", data)
    messages = _flash(client, response)
    assert any(m.startswith(refused) and "control character U+00" in m for m in messages)
    assert _state(to_ship) == before and mailoutbox == []


def test_notes_and_messages_keep_line_breaks(client, admin, to_ship, mailoutbox):
    client.force_login(admin)
    client.post(f"/orders/{to_ship.order_id}/notes/", {"body": "Line one\r\n\tLine two"})
    client.post(f"/orders/{to_ship.order_id}/messages/", {"body": "Hi,\n\nthanks!"})
    assert notes_of(to_ship) == ["Line one\r\n\tLine two"]
    assert len(mailoutbox) == 1 and mailoutbox[0].body == "Hi,\n\nthanks!"
