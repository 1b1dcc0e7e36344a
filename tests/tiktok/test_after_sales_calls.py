"""The client's after-sales calls against the simulated TikTok Shop: a buyer's cancellation
request waits for the seller's answer, TikTok's rules refuse what does not fit, an
idempotency key replays the first answer, TikTok decides at the deadline, the seller's own
Cancel Order, the searches, and the gateway's checks, faults and malformed answers."""

from datetime import UTC, datetime

import pytest

from demo.tiktok_simulator import after_sales_state as state
from demo.tiktok_simulator.lifecycle import provider_id
from tests.demo.tiktok_helpers import KEY
from tests.tiktok.after_sales_world import AGREED, OUT_OF_STOCK, PACKED, refused
from tests.tiktok.fake_tiktok import ACCESS_TOKEN, SHOP, ok
from tiktok.after_sales_calls import CANCEL_ORDER, REJECT_REASONS, RETURN_SEARCH, RejectReason
from tiktok.after_sales_rules import ALREADY_DECIDED, refusal_words, seller_cancel_reasons
from tiktok.client import TikTokClient
from tiktok.exceptions import BadResponse, BadSignature, RateLimited, Unavailable

# --- Cancellation requests ----------------------------------------------------------------


def test_a_buyers_cancellation_request_waits_for_the_seller_and_approval_cancels(tt):
    order = tt.awaiting()
    made = tt.control("/simulator/cancellations", order_id=order.id, reason="Changed my mind")
    record = tt.cancellation(order)
    assert record["cancel_id"] == made["cancel_id"]
    assert (record["cancel_type"], record["role"]) == ("BUYER_CANCEL", "BUYER")
    assert record["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    assert record["seller_next_action_response"] == [
        {"action": "SELLER_RESPOND_CANCEL", "deadline": made["deadline"]}
    ]
    assert made["deadline"] == int(tt.clock()) + 2 * 86400 // 60  # two days at speed 60
    assert tt.detail(order)["is_buyer_request_cancel"] is True
    assert tt.types() == [(11, "CANCELLATION_REQUEST_PENDING")]

    tt.clock.advance(30)
    answer = tt.client.approve_cancellation(
        **tt.auth, cancel_id=record["cancel_id"], idempotency_key="approve-1"
    )
    assert answer.message == "Success" and len(answer.request_id) == 34
    record = tt.cancellation(order)
    assert record["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    assert record["seller_next_action_response"] == []
    assert record["update_time"] == int(tt.clock())
    shown = tt.detail(order)
    assert (shown["status"], shown["cancellation_initiator"]) == ("CANCELLED", "BUYER")
    assert shown["cancel_reason"] == "Changed my mind" and not shown["is_buyer_request_cancel"]
    assert shown["update_time"] == int(tt.clock())
    assert tt.types() == [(11, "CANCELLATION_REQUEST_SUCCESS"), (1, "CANCEL")]

    # The same key again: the first answer, nothing changes. Another key: already decided.
    again = tt.client.approve_cancellation(
        **tt.auth, cancel_id=record["cancel_id"], idempotency_key="approve-1"
    )
    assert again.message == "Success" and tt.types() == []
    code = refused(
        tt.client.approve_cancellation,
        **tt.auth,
        cancel_id=record["cancel_id"],
        idempotency_key="approve-2",
    )
    assert code == 25011012 and code in ALREADY_DECIDED

    tt.clock.advance(state.REFUND_AFTER / 60 + 1)
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_COMPLETE"
    assert tt.types() == [(11, "CANCELLATION_REQUEST_COMPLETE")]


def test_a_rejected_cancellation_request_lets_the_order_be_shipped(tt):
    order = tt.awaiting()
    cancel_id = tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"]
    reasons = tt.client.get_reject_reasons(**tt.auth, return_or_cancel_id=cancel_id)
    assert RejectReason(PACKED, "The product has been packed") in reasons
    assert all(reason.name.isascii() and reason.text for reason in reasons)
    tt.types()

    reject = tt.client.reject_cancellation
    wrong = refused(
        reject, **tt.auth, cancel_id=cancel_id, reject_reason=AGREED, idempotency_key="r-0"
    )
    assert wrong == 25001016 and tt.cancellation(order)["cancel_status"].endswith("PENDING")
    reject(
        **tt.auth, cancel_id=cancel_id, reject_reason=PACKED, comment="Sent", idempotency_key="r-1"
    )

    record = tt.cancellation(order)
    assert record["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"
    assert record["seller_next_action_response"] == []
    shown = tt.detail(order)
    assert (shown["status"], shown["is_buyer_request_cancel"]) == ("AWAITING_SHIPMENT", False)
    assert tt.types() == [(11, "CANCELLATION_REQUEST_CANCELLED")]
    assert tt.client.get_reject_reasons(**tt.auth, return_or_cancel_id=cancel_id) == []
    assert (
        refused(reject, **tt.auth, cancel_id=cancel_id, reject_reason=PACKED, idempotency_key="r-2")
        == 25011011
    )
    approve = tt.client.approve_cancellation
    assert refused(approve, **tt.auth, cancel_id=cancel_id, idempotency_key="a-1") == 25011012

    shipped = tt.client.mark_package_shipped(
        **tt.auth,
        order_id=order.id,
        tracking_number="9400111122223333444455",
        shipping_provider_id=provider_id("USPS"),
    )
    assert shipped.package_id and tt.detail(order)["status"] == "AWAITING_COLLECTION"
    cancel = tt.client.cancel_order
    assert refused(cancel, **tt.auth, order_id=order.id, cancel_reason=OUT_OF_STOCK) == 25001045


def test_at_the_deadline_tiktok_approves_and_the_seller_is_too_late(tt):
    order = tt.awaiting()
    made = tt.control("/simulator/cancellations", order_id=order.id)
    tt.types()
    tt.clock.advance(made["deadline"] - tt.clock() - 1)
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    tt.clock.advance(2)
    record = tt.cancellation(order)
    assert record["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    assert tt.detail(order)["status"] == "CANCELLED"
    assert tt.types() == [(11, "CANCELLATION_REQUEST_SUCCESS"), (1, "CANCEL")]
    approve, reject = tt.client.approve_cancellation, tt.client.reject_cancellation
    cancel_id = made["cancel_id"]
    assert refused(approve, **tt.auth, cancel_id=cancel_id, idempotency_key="late") == 25011012
    assert (
        refused(reject, **tt.auth, cancel_id=cancel_id, reject_reason=PACKED, idempotency_key="x")
        == 25011011
    )


def test_a_request_of_another_shop_or_an_unknown_one_is_refused(tt):
    order = tt.awaiting(1)  # the UK shop's
    cancel_id = tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"]
    approve = tt.client.approve_cancellation
    assert refused(approve, **tt.auth, cancel_id=cancel_id, idempotency_key="k") == 25020005
    assert refused(approve, **tt.auth, cancel_id="4123", idempotency_key="k2") == 25020005
    with pytest.raises(ValueError, match="digits"):
        approve(**tt.auth, cancel_id="12/../34", idempotency_key="k3")
    with pytest.raises(ValueError, match="idempotency_key"):
        approve(**tt.auth, cancel_id=cancel_id, idempotency_key="")


# --- Cancel Order ---------------------------------------------------------------------------


def test_the_seller_cancels_with_a_reason_for_the_orders_status(tt):
    order = tt.awaiting()
    cancel = tt.client.cancel_order
    assert OUT_OF_STOCK in seller_cancel_reasons("AWAITING_SHIPMENT")
    unpaid_reason = "seller_cancel_unpaid_reason_out_of_stock"
    assert refused(cancel, **tt.auth, order_id=order.id, cancel_reason=unpaid_reason) == 25001021
    assert refused(cancel, **tt.auth, order_id=order.id, cancel_reason="because") == 25001014
    assert tt.detail(order)["status"] == "AWAITING_SHIPMENT" and tt.types() == []

    made = cancel(**tt.auth, order_id=order.id, cancel_reason=OUT_OF_STOCK)
    assert made.cancel_status == "CANCELLATION_REQUEST_SUCCESS" and made.request_id
    record = tt.cancellation(order)
    assert record["cancel_id"] == made.cancel_id
    assert (record["cancel_type"], record["role"]) == ("CANCEL", "SELLER")
    assert (record["cancel_reason"], record["cancel_reason_text"]) == (OUT_OF_STOCK, "Out of stock")
    shown = tt.detail(order)
    assert (shown["status"], shown["cancellation_initiator"]) == ("CANCELLED", "SELLER")
    assert tt.types() == [(11, "CANCELLATION_REQUEST_SUCCESS"), (1, "CANCEL")]
    assert refused(cancel, **tt.auth, order_id=order.id, cancel_reason=OUT_OF_STOCK) == 25001011
    tt.clock.advance(state.REFUND_AFTER / 60 + 1)
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_COMPLETE"


def test_cancel_order_refuses_a_shipped_order_and_one_with_a_request_open(tt):
    cancel = tt.client.cancel_order
    gone = tt.delivered()
    assert refused(cancel, **tt.auth, order_id=gone.id, cancel_reason=OUT_OF_STOCK) == 25001045
    asked = tt.awaiting()
    tt.control("/simulator/cancellations", order_id=asked.id)
    assert refused(cancel, **tt.auth, order_id=asked.id, cancel_reason=OUT_OF_STOCK) == 25001011
    assert "can no longer be cancelled" in refusal_words(25001045, "")


def test_after_a_rejected_request_the_seller_may_still_cancel_with_a_new_record(tt):
    order = tt.awaiting()
    cancel_id = tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"]
    tt.client.reject_cancellation(
        **tt.auth, cancel_id=cancel_id, reject_reason=PACKED, idempotency_key="r"
    )
    made = tt.client.cancel_order(**tt.auth, order_id=order.id, cancel_reason=OUT_OF_STOCK)
    assert made.cancel_id != cancel_id
    records = tt.client.search_cancellations(**tt.auth, order_ids=[order.id])
    assert [r["cancel_id"] for r in records.objects] == [cancel_id, made.cancel_id]
    assert records.total_count == 2 and records.next_page_token == ""


# --- Searches -----------------------------------------------------------------------------


def test_searches_page_by_update_time_and_filter_by_ids(tt):
    orders = [tt.awaiting() for _ in range(3)]
    made = []
    for order in orders:
        made.append(tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"])
        tt.clock.advance(10)
    seen, token = [], ""
    while True:
        page = tt.client.search_cancellations(**tt.auth, page_size=2, page_token=token)
        seen += [record["cancel_id"] for record in page.objects]
        assert page.total_count == 3
        token = page.next_page_token
        if not token:
            break
    assert seen == made
    late = datetime.fromtimestamp(tt.clock() - 25, UTC)
    recent = tt.client.search_cancellations(**tt.auth, update_time_ge=late)
    assert [record["cancel_id"] for record in recent.objects] == made[1:]
    one = tt.client.search_cancellations(**tt.auth, cancel_ids=[made[0]])
    assert [record["order_id"] for record in one.objects] == [orders[0].id]
    assert tt.client.search_returns(**tt.auth, order_ids=[orders[0].id]).objects == []
    with pytest.raises(ValueError, match="page_size"):
        tt.client.search_returns(**tt.auth, page_size=5)
    with pytest.raises(ValueError, match="naive"):
        tt.client.search_returns(**tt.auth, update_time_lt=datetime(2026, 1, 1))  # noqa: DTZ001


# --- The gateway, faults and malformed answers ----------------------------------------------


def test_the_rate_limit_applies_and_a_limited_write_changes_nothing(tt):
    order = tt.awaiting()
    cancel_id = tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"]
    tt.sim.limiter.rate = 1  # one call a second per endpoint: the second at once is refused
    tt.client.get_reject_reasons(**tt.auth, return_or_cancel_id=cancel_id)
    with pytest.raises(RateLimited):
        tt.client.get_reject_reasons(**tt.auth, return_or_cancel_id=cancel_id)
    tt.client.approve_cancellation(**tt.auth, cancel_id=cancel_id, idempotency_key="once")
    other = tt.awaiting()
    other_id = tt.control("/simulator/cancellations", order_id=other.id)["cancel_id"]
    with pytest.raises(RateLimited):
        tt.client.approve_cancellation(**tt.auth, cancel_id=other_id, idempotency_key="twice")
    tt.sim.limiter.rate = 0
    assert tt.cancellation(other)["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"


def test_faults_and_signatures_apply_and_a_write_is_not_retried(tt):
    order = tt.awaiting()
    cancel_id = tt.control("/simulator/cancellations", order_id=order.id)["cancel_id"]
    tt.sim.fault_add("unavailable", 1)
    with pytest.raises(Unavailable):
        tt.client.approve_cancellation(**tt.auth, cancel_id=cancel_id, idempotency_key="f")
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    assert not tt.sim.faults  # one call, not retried
    tt.sim.fault_add("rate_limited", 1)  # a rate limit is waited out: TikTok did nothing
    tt.client.approve_cancellation(**tt.auth, cancel_id=cancel_id, idempotency_key="f")
    assert tt.cancellation(order)["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    stranger = TikTokClient(
        app_key=KEY, app_secret="wrong", api_host=tt.api.base, auth_host=tt.api.base, clock=tt.clock
    )
    with pytest.raises(BadSignature):
        stranger.get_reject_reasons(**tt.auth, return_or_cancel_id=cancel_id)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (RETURN_SEARCH, {"return_orders": {"return_id": "1"}}),
        (RETURN_SEARCH, {"return_orders": [{"return_id": "1"}]}),  # no order_id
        (RETURN_SEARCH, {"return_orders": [], "total_count": "3"}),
        (REJECT_REASONS, {"reasons": [{"text": "no name"}]}),
        (CANCEL_ORDER, {"cancel_status": "CANCELLATION_REQUEST_SUCCESS"}),
    ],
)
def test_malformed_after_sales_answers_are_bad_responses(api, tiktok, path, data):
    tiktok.reply(path, ok(data))
    auth = {"access_token": ACCESS_TOKEN, "shop_cipher": SHOP["cipher"]}
    calls = {
        RETURN_SEARCH: lambda: api.search_returns(**auth),
        REJECT_REASONS: lambda: api.get_reject_reasons(**auth, return_or_cancel_id="5123"),
        CANCEL_ORDER: lambda: api.cancel_order(**auth, order_id="576", cancel_reason="x"),
    }
    with pytest.raises(BadResponse):
        calls[path]()
