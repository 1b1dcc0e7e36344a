"""TikTok's cancellation and return objects read into BuyerRequest rows and stored: the one
mapping (orders/tiktok_requests.py) and the one store (orders/services/buyer_request_store.py)
that the sync, webhooks 11/12 and the re-read after an answer share."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from orders.models import BuyerRequest, OrderEvent, Refund
from orders.selectors.timeline import event_detail, event_title
from orders.services.buyer_request_store import buyer_requests_store
from orders.statuses import EventKind, RefundStatus
from orders.tiktok_requests import RequestRefused, request_values
from tests.orders.factories import OrderFactory
from tests.orders.request_objects import NOW, cancellation, return_object

pytestmark = pytest.mark.django_db
ORDER = "576486316948490001"


def _store(shop, kind, *objects, source="sync"):
    return buyer_requests_store(shop=shop, kind=kind, objects=list(objects), source=source)


@pytest.fixture
def order(shop):
    return OrderFactory(
        shop=shop, order_id=ORDER, status="AWAITING_SHIPMENT", total_amount=Decimal("80.00")
    )


def test_a_cancellation_is_read_in_our_columns():
    values = request_values(cancellation(ORDER), "cancellation")

    assert (values.request_id, values.order_id) == ("4035319218955782461", ORDER)
    assert (values.request_type, values.status, values.role) == (
        "BUYER_CANCEL",
        "CANCELLATION_REQUEST_PENDING",
        "BUYER",
    )
    assert values.reason_text == "Changed my mind"
    assert (values.currency, values.refund_total) == ("USD", Decimal("12.50"))
    assert values.refund_breakdown["refund_subtotal"] == "12.50"
    assert values.items == [
        {
            "order_line_item_id": "576486316948490011",
            "sku_id": "1729382256910270001",
            "seller_sku": "HOOD-BLK-XL",
            "product_name": "Everyday hoodie",
            "sku_name": "Black, XL",
            "refund_total": "12.50",
        }
    ]
    assert values.seller_action == "SELLER_RESPOND_CANCEL"
    assert values.deadline == datetime.fromtimestamp(NOW + 2 * 86400, UTC)
    assert values.awaits_seller(timezone.now())


def test_a_return_of_each_type_is_read_and_an_unknown_status_is_kept():
    for kind in ("REFUND", "RETURN_AND_REFUND", "REPLACEMENT"):
        values = request_values(return_object(ORDER, return_type=kind), "return")
        assert values.request_type == kind
    odd = request_values(return_object(ORDER, return_status="SOMETHING_TIKTOK_ADDED"), "return")
    assert odd.status == "SOMETHING_TIKTOK_ADDED"
    assert not odd.awaits_seller(timezone.now())  # not a state that waits for the seller


def test_nothing_is_asked_of_the_seller_once_the_deadline_passed_or_none_is_asked():
    late = cancellation(
        ORDER,
        seller_next_action_response=[{"action": "SELLER_RESPOND_CANCEL", "deadline": NOW - 60}],
    )
    assert not request_values(late, "cancellation").awaits_seller(timezone.now())
    none = cancellation(ORDER, seller_next_action_response=[])
    assert not request_values(none, "cancellation").awaits_seller(timezone.now())


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"cancel_id": ""}, "`cancel_id` is missing"),
        ({"order_id": "12"}, "`order_id`"),
        ({"cancel_status": ""}, "`cancel_status` is missing"),
        ({"update_time": NOW * 1000}, "milliseconds"),
        ({"refund_amount": {"currency": "USD", "refund_total": "-3"}}, "not an amount"),
        ({"cancel_line_items": "two"}, "not a list of objects"),
        ({"seller_next_action_response": {"action": "x"}}, "not a list of objects"),
    ],
)
def test_an_object_tiktok_does_not_document_is_refused(change, why):
    with pytest.raises(RequestRefused, match=why):
        request_values(cancellation(ORDER) | change, "cancellation")


def test_a_stored_request_writes_its_timeline_entry_in_words(shop, order):
    report = _store(shop, "cancellation", cancellation(ORDER))

    assert (report.created, report.refused, report.missing_orders) == (1, [], [])
    request = BuyerRequest.objects.get()
    assert request.awaits_seller and request.order == order
    event = OrderEvent.objects.get(order=order, kind=EventKind.REQUEST)
    assert event_title(event) == "Cancellation requested"
    deadline = datetime.fromtimestamp(NOW + 2 * 86400, UTC).astimezone(shop.zone)
    assert event_detail(event, shop.zone) == (
        f"Buyer asked to cancel: Changed my mind — deadline {deadline:%b} "
        f"{deadline.day}, {deadline:%H:%M}"
    )


def test_an_older_update_never_wins_and_a_repeat_changes_nothing(shop, order):
    _store(shop, "cancellation", cancellation(ORDER, update_time=NOW - 100))
    older = cancellation(ORDER, update_time=NOW - 500, cancel_status="CANCELLATION_REQUEST_CANCEL")

    assert _store(shop, "cancellation", older).older == 1
    assert _store(shop, "cancellation", cancellation(ORDER, update_time=NOW - 100)).unchanged == 1
    assert BuyerRequest.objects.get().status == "CANCELLATION_REQUEST_PENDING"
    assert OrderEvent.objects.filter(kind=EventKind.REQUEST).count() == 1


def test_a_request_of_an_order_not_held_is_not_stored_but_named(shop):
    report = _store(shop, "return", return_object(ORDER))

    assert report.missing_orders == [ORDER] and not BuyerRequest.objects.exists()


def test_a_refund_tiktok_made_is_counted_once(shop, order):
    refunded_before = order.refunded_amount
    _store(shop, "return", return_object(ORDER))
    done = return_object(
        ORDER,
        update_time=NOW - 10,
        return_status="RETURN_OR_REFUND_REQUEST_COMPLETE",
        seller_next_action_response=[],
    )
    _store(shop, "return", done)
    _store(shop, "return", done | {"update_time": NOW - 5})  # TikTok says it again, later

    order.refresh_from_db()
    assert order.refunded_amount == refunded_before + Decimal("20.00")
    refund = Refund.objects.get(buyer_request__isnull=False)
    assert (refund.status, refund.amount, refund.requested_by) == (
        RefundStatus.COMPLETED,
        Decimal("20.00"),
        None,
    )
    event = OrderEvent.objects.filter(kind=EventKind.REQUEST).last()
    assert event_detail(event) == "Return or refund requested → Refunded; TikTok refunded 20.00 USD"
    request = BuyerRequest.objects.get()
    assert not request.awaits_seller
    with pytest.raises(IntegrityError):  # the database holds "once" too
        Refund.objects.create(
            order=order,
            buyer_request=request,
            amount="1.00",
            reason="again",
            status=RefundStatus.COMPLETED,
            requested_at=timezone.now() - timedelta(seconds=1),
        )


def test_a_request_named_for_another_order_is_refused(shop, order):
    _store(shop, "return", return_object(ORDER))
    other = OrderFactory(shop=shop, order_id="576486316948490002")

    report = _store(shop, "return", return_object(other.order_id, update_time=NOW))

    assert report.refused == [("4035319218955790001", "TikTok names it for another order")]
    assert BuyerRequest.objects.get().order == order


def test_a_cancellation_nobody_reviews_reads_as_one(shop, order):
    direct = cancellation(
        ORDER,
        cancel_type="CANCEL",
        role="SELLER",
        cancel_status="CANCELLATION_REQUEST_SUCCESS",
        cancel_reason_text="Out of stock",
        seller_next_action_response=[],
    )

    _store(shop, "cancellation", direct)

    event = OrderEvent.objects.get(order=order, kind=EventKind.REQUEST)
    assert event_detail(event) == "The seller cancelled the order: Out of stock"
    assert not BuyerRequest.objects.get().awaits_seller
