"""The list filters behind two insights figures: `shipped_late` and `refund_or_return`, end to
end (the list, its chips, the filter bar, a saved query in words), and bad values refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orders.filter_words import filters_text
from orders.models import BuyerRequest, SavedView
from tests.insights.helpers import order
from tests.orders.helpers import listed

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LA)


def _request(made, kind: str) -> None:
    BuyerRequest.objects.create(
        order=made,
        kind=kind,
        request_id=f"40353192189557{made.pk:05d}",
        request_type="BUYER_CANCEL" if kind == "cancellation" else "RETURN_AND_REFUND",
        status="CANCELLATION_REQUEST_PENDING"
        if kind == "cancellation"
        else "RETURN_OR_REFUND_REQUEST_PENDING",
    )


@pytest.fixture
def picked(shop):
    """One order of each kind the two filters tell apart, by name."""
    made = {
        "late": order(shop, _at(2), collection_time=_at(4, 9), shipping_due_time=_at(3, 9)),
        "on_time": order(shop, _at(2), collection_time=_at(3, 8), shipping_due_time=_at(3, 9)),
        "at_the_deadline": order(
            shop, _at(2), collection_time=_at(3, 9), shipping_due_time=_at(3, 9)
        ),
        "shipped_no_deadline": order(shop, _at(2), collection_time=_at(3, 9)),
        "not_shipped": order(shop, _at(2), status="AWAITING_SHIPMENT", shipping_due_time=_at(3)),
        "refunded": order(shop, _at(2), has_refund=True),
        "return_asked": order(shop, _at(2)),
        "cancel_asked": order(shop, _at(2)),
    }
    _request(made["return_asked"], "return")
    _request(made["cancel_asked"], "cancellation")
    return {name: o.order_id for name, o in made.items()}


def _named(picked, *names) -> set[str]:
    return {picked[name] for name in names}


def test_shipped_late_lists_the_orders_handed_over_after_their_deadline(as_admin, picked):
    assert listed(as_admin, shipped_late="1") == _named(picked, "late")


def test_shipped_late_no_lists_only_orders_shipped_by_their_deadline(as_admin, picked):
    # Not shipped, or shipped without a ship-by time: neither late nor on time.
    assert listed(as_admin, shipped_late="0") == _named(picked, "on_time", "at_the_deadline")


def test_refund_or_return_lists_refunds_asked_for_and_return_requests(as_admin, picked):
    assert listed(as_admin, refund_or_return="1") == _named(picked, "refunded", "return_asked")
    others = set(picked.values()) - _named(picked, "refunded", "return_asked")
    assert listed(as_admin, refund_or_return="0") == others


def test_the_two_filters_combine_with_the_others(as_admin, picked):
    assert listed(as_admin, refund_or_return="1", has_refund="0") == _named(picked, "return_asked")
    assert listed(as_admin, shipped_late="1", status="AWAITING_SHIPMENT") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"shipped_late": "maybe"},
        {"shipped_late": "2"},
        {"refund_or_return": "yes"},
        {"refund_or_return": "\x00"},
        {"refund_or_return": "1", "shipped_late": "-1"},
    ],
)
def test_a_bad_value_is_named_and_left_out_never_a_500(as_admin, picked, params):
    response = as_admin.get("/orders/", params)
    assert response.status_code == 200
    form = response.context["page"].filterset.form
    assert set(form.errors) <= {"shipped_late", "refund_or_return"} and form.errors
    assert "Some filters were not applied" in response.content.decode()


def test_chips_and_saved_queries_name_the_filters_in_words(as_admin, shop, picked):
    page = as_admin.get("/orders/", {"shipped_late": "0", "refund_or_return": "1"})
    labels = [chip.label for chip in page.context["page"].chips]
    assert labels == ["Refund or return asked for: Yes", "Shipped late: No, shipped on time"]
    assert filters_text("shipped_late=1", [shop]) == "Shipped late: Yes"


def test_the_filter_bar_offers_both_with_their_choice_selected(as_admin, picked):
    response = as_admin.get("/orders/", {"shipped_late": "1"})
    flags = {flag["name"]: flag for flag in response.context["bar"]["flags"]}
    chosen = [o["label"] for o in flags["shipped_late"]["options"] if o["selected"]]
    assert chosen == ["Yes"]
    assert [o["label"] for o in flags["refund_or_return"]["options"]] == ["Any", "Yes", "No"]
    assert response.context["bar"]["more_set"] == 1
    body = response.content.decode()
    assert 'name="shipped_late"' in body and 'name="refund_or_return"' in body


def test_a_saved_view_keeps_them_and_lists_the_same_orders(as_admin, shop, picked):
    saved = as_admin.post(
        "/orders/views/",
        {"name": "Late", "shop": "north-shop", "query_string": "shipped_late=1&refund_or_return=0"},
    )
    assert saved["Location"] == "/orders/?refund_or_return=0&shipped_late=1"
    view = SavedView.objects.get()
    assert filters_text(view.query_string, [shop]) == (
        "Refund or return asked for: No; Shipped late: Yes"
    )
    assert listed(as_admin, shipped_late="1", refund_or_return="0") == _named(picked, "late")
