"""The order actions read their input through Forms: a value the page never sends is refused
with a message the page shows, and nothing changes."""

from decimal import Decimal

import pytest

from orders.bulk_actions import BULK_ACTIONS
from orders.forms import BulkActionForm, RefundDecisionForm
from orders.services.refunds import refund_request
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
OUT_OF_DATE = "The form was out of date; reload the page and try again."


def _shown(client, response) -> list[str]:
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


@pytest.fixture
def waiting(shop, cs_agent):
    """A refund above the shop's limit, waiting for an administrator's decision."""
    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    order = OrderFactory(shop=shop, status="DELIVERED", refunds=False)
    refund = refund_request(order=order, actor=cs_agent, reason="Damaged", amount=Decimal("5"))
    assert refund.status == "REQUESTED"
    return refund


@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}, {"decision": "APPROVE"}])
def test_a_refund_decision_the_page_never_sends_changes_nothing(client, admin, waiting, data):
    client.force_login(admin)
    url = f"/orders/{waiting.order.order_id}/refunds/{waiting.pk}/"
    response = client.post(url, data)
    assert response.status_code == 302
    assert _shown(client, response) == [f"Nothing changed: {OUT_OF_DATE}"]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.approved_by) == ("REQUESTED", None)


@pytest.mark.parametrize(("decision", "status"), [("approve", "COMPLETED"), ("reject", "REJECTED")])
def test_each_refund_decision_button_does_what_it_says(client, admin, waiting, decision, status):
    client.force_login(admin)
    client.post(f"/orders/{waiting.order.order_id}/refunds/{waiting.pk}/", {"decision": decision})
    waiting.refresh_from_db()
    assert waiting.status == status


def test_the_refund_decision_form_knows_only_its_two_buttons():
    assert RefundDecisionForm({"decision": "reject"}).is_valid()
    assert not RefundDecisionForm({"decision": "yes"}).is_valid()


def test_the_bulk_form_offers_the_registered_actions():
    form = BulkActionForm({"action": "export", "ids": ["1", "x"], "all_matching": "1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "action": "export",
        "ids": ["1", "x"],  # ids are the selection's to resolve, not the form's
        "all_matching": True,
        "query": "",
    }
    assert form.fields["action"].choices == [
        (code, action.label) for code, action in BULK_ACTIONS.items()
    ]
    assert ("export", "Export…") in form.fields["action"].choices
    assert not BulkActionForm({"action": "nope"}).is_valid()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"action": "nope", "all_matching": "1"}, "Choose what to do with the selected orders."),
        ({"all_matching": "1"}, "Choose what to do with the selected orders."),
        ({"action": "export", "all_matching": "yes"}, OUT_OF_DATE),
    ],
)
def test_a_bulk_request_the_page_never_sends_runs_nothing(client, shop, accountant, data, says):
    OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(accountant)
    response = client.post("/orders/bulk/", {**data, "query": "status=IN_TRANSIT"})
    assert response.status_code == 302  # not the action's answer
    assert response["Location"] == "/orders/?status=IN_TRANSIT"
    assert _shown(client, response) == [says]


def test_the_export_bulk_button_keeps_reading_all_matching_and_the_filters(
    client, shop, accountant
):
    OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(accountant)
    page = client.post(
        "/orders/bulk/", {"action": "export", "all_matching": "1", "query": "status=IN_TRANSIT"}
    )
    assert page.status_code == 200
    assert (page.context["form"]["query"].value(), page.context["ticked"]) == (
        "status=IN_TRANSIT",
        0,
    )
