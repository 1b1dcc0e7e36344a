"""The client's after-sales calls against the simulated TikTok Shop (served in a thread, its
clock moved by hand): buyers' cancellation and return requests wait for the seller's answer,
TikTok's rules refuse what does not fit, an idempotency key replays the first answer, TikTok
decides when the deadline passes, and each change is notified."""

import json

import pytest

from demo.tiktok_simulator import after_sales_state as state
from demo.tiktok_simulator.lifecycle import provider_id, step_apply
from tests.demo.tiktok_helpers import KEY, SECRET, simulators
from tests.tiktok.fake_tiktok import ACCESS_TOKEN, SHOP, ok
from tests.tiktok.outbox_world import SHOPS, order_awaiting_shipment
from tiktok.after_sales_calls import CANCEL_ORDER, REJECT_REASONS, RETURN_SEARCH, RejectReason
from tiktok.after_sales_rules import (
    ALREADY_DECIDED,
    refusal_words,
    return_decisions,
    seller_cancel_reasons,
)
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError, BadResponse, BadSignature, Unavailable

PACKED = "seller_reject_apply_product_has_been_packed"
OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"
AGREED = "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer"
DAMAGED = "seller_reject_receive_returned_item_damaged"


class Shop:
    """The simulator, a client of it with a token for the US shop, and what it notified."""

    def __init__(self, sim, api, clock):
        self.sim, self.api, self.clock, self.world = sim, api, clock, sim.world
        self.notes: list[dict] = []
        self.world.notify = self.notes.append
        self.client = TikTokClient(
            app_key=KEY,
            app_secret=SECRET,
            api_host=api.base,
            auth_host=api.base,
            timeout=3,
            max_retries=2,
            backoff=0,
            sleep=lambda seconds: None,
            clock=clock,
        )
        grant = self.client.get_access_token(auth_code=sim.accounts.code_issue(clock()))
        self.auth = {"access_token": grant.access_token, "shop_cipher": SHOPS[0].cipher}

    def control(self, path: str, **query) -> dict:
        status, _, body = self.api.raw("POST", path, query)
        answer = json.loads(body)
        assert status == 200, answer
        return answer["data"]

    def cancellation(self, order) -> dict:
        page = self.client.search_cancellations(**self.auth, order_ids=[order.id])
        return page.objects[-1]

    def return_of(self, order) -> dict:
        return self.client.search_returns(**self.auth, order_ids=[order.id]).objects[-1]

    def detail(self, order) -> dict:
        return self.client.get_order_detail(**self.auth, order_ids=[order.id])[0]

    def awaiting(self, number: int = 0):
        """A new order awaiting shipment (its creation's notification forgotten)."""
        order = order_awaiting_shipment(self.world, number)
        self.notes.clear()
        return order

    def delivered(self):
        order = delivered(self.world)
        self.notes.clear()
        return order

    def types(self) -> list[tuple[int, str]]:
        """(type, status) of each notification so far, and forget them."""
        seen = [
            (
                note["type"],
                note["data"].get("cancel_status")
                or note["data"].get("return_status")
                or note["data"].get("order_status"),
            )
            for note in self.notes
        ]
        self.notes.clear()
        return seen


@pytest.fixture
def tt():
    make, stop = simulators()
    sim, api, clock = make(shops=SHOPS, speed=60)
    yield Shop(sim, api, clock)
    stop()


def delivered(world):
    """A new simulated order of the US shop, shipped and delivered now, with no future."""
    order = order_awaiting_shipment(world, 0)
    with world.lock:
        now = int(world.clock())
        for step in ("arrange", "collect", "deliver"):
            step_apply(order, now, step, None, order.pace)
        order.plan, order.cached = [], None
    return order


def refused(call, **arguments) -> int:
    with pytest.raises(ApiError) as caught:
        call(**arguments)
    return caught.value.code


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


# --- Returns --------------------------------------------------------------------------------


def test_a_refund_request_is_answered_with_the_decision_of_its_stage(tt):
    order = tt.delivered()
    made = tt.control("/simulator/returns", order_id=order.id, type="REFUND")
    record = tt.return_of(order)
    assert record["return_id"] == made["return_id"] and record["return_type"] == "REFUND"
    assert record["seller_next_action_response"] == [
        {"action": "SELLER_RESPOND_REFUND", "deadline": made["deadline"]}
    ]
    assert record["return_line_items"][0]["order_line_item_id"] == order.data["line_items"][0]["id"]
    assert tt.types() == [(12, "RETURN_OR_REFUND_REQUEST_PENDING")]
    stage = return_decisions(record["return_status"], record["return_type"])
    assert stage.approve == ("APPROVE_REFUND",)

    approve = tt.client.approve_return
    return_id = made["return_id"]
    wrong = refused(
        approve, **tt.auth, return_id=return_id, decision="APPROVE_RETURN", idempotency_key="w"
    )
    assert wrong == 25020003
    approve(**tt.auth, return_id=return_id, decision="APPROVE_REFUND", idempotency_key="ok")
    assert tt.return_of(order)["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert tt.types() == [(12, "RETURN_OR_REFUND_REQUEST_SUCCESS")]
    approve(**tt.auth, return_id=return_id, decision="APPROVE_REFUND", idempotency_key="ok")
    assert tt.types() == []  # replayed
    tt.clock.advance(2 * 86400 / 60 + 1)
    assert tt.return_of(order)["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    assert tt.types() == [(12, "RETURN_OR_REFUND_REQUEST_COMPLETE")]
    assert (
        refused(
            approve, **tt.auth, return_id=return_id, decision="APPROVE_REFUND", idempotency_key="n"
        )
        == 25011012
    )


def test_a_return_goes_back_to_the_seller_who_checks_the_item(tt):
    order = tt.delivered()
    return_id = tt.control("/simulator/returns", order_id=order.id, type="RETURN_AND_REFUND")[
        "return_id"
    ]
    approve, reject = tt.client.approve_return, tt.client.reject_return
    tt.client.approve_return(
        **tt.auth, return_id=return_id, decision="APPROVE_RETURN", idempotency_key="a"
    )
    assert tt.return_of(order)["return_status"] == "AWAITING_BUYER_SHIP"
    early = refused(
        approve,
        **tt.auth,
        return_id=return_id,
        decision="APPROVE_RECEIVED_PACKAGE",
        idempotency_key="early",
    )
    assert early == 25011013

    shipped = tt.control("/simulator/returns/ship", return_id=return_id)
    record = tt.return_of(order)
    assert record["return_status"] == shipped["status"] == "BUYER_SHIPPED_ITEM"
    assert record["return_tracking_number"] and record["return_provider_name"]
    assert record["seller_next_action_response"][0]["action"] == "SELLER_RESPOND_RECEIVE_PACKAGE"
    names = [r.name for r in tt.client.get_reject_reasons(**tt.auth, return_or_cancel_id=return_id)]
    assert DAMAGED in names and PACKED not in names
    mismatched = refused(
        reject,
        **tt.auth,
        return_id=return_id,
        decision="REJECT_RETURN",
        reject_reason=DAMAGED,
        idempotency_key="m",
    )
    assert mismatched == 25020003
    reject(
        **tt.auth,
        return_id=return_id,
        decision="REJECT_RECEIVED_PACKAGE",
        reject_reason=DAMAGED,
        comment="Broken glass",
        idempotency_key="rj",
    )
    assert tt.return_of(order)["return_status"] == "REJECT_RECEIVE_PACKAGE"
    assert tt.types() == [
        (12, "RETURN_OR_REFUND_REQUEST_PENDING"),
        (12, "AWAITING_BUYER_SHIP"),
        (12, "BUYER_SHIPPED_ITEM"),
        (12, "REJECT_RECEIVE_PACKAGE"),
    ]


def test_a_rejected_return_request_ends_there(tt):
    order = tt.delivered()
    return_id = tt.control("/simulator/returns", order_id=order.id, type="RETURN_AND_REFUND")[
        "return_id"
    ]
    tt.client.reject_return(
        **tt.auth,
        return_id=return_id,
        decision="REJECT_RETURN",
        reject_reason=AGREED,
        idempotency_key="j",
    )
    record = tt.return_of(order)
    assert record["return_status"] == "REFUND_OR_RETURN_REQUEST_REJECT"
    assert record["seller_next_action_response"] == []


def test_unanswered_return_stages_are_decided_by_tiktok(tt):
    order = tt.delivered()
    made = tt.control("/simulator/returns", order_id=order.id, type="RETURN_AND_REFUND")
    tt.clock.advance(made["deadline"] - tt.clock() + 1)
    assert tt.return_of(order)["return_status"] == "AWAITING_BUYER_SHIP"
    tt.clock.advance(2 * 86400 / 60 + 1)  # the buyer ships within two simulated days
    record = tt.return_of(order)
    assert record["return_status"] == "BUYER_SHIPPED_ITEM"
    deadline = record["seller_next_action_response"][0]["deadline"]
    tt.clock.advance(deadline - tt.clock() + 1)
    assert tt.return_of(order)["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    tt.clock.advance(2 * 86400 / 60 + 1)
    assert tt.return_of(order)["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    statuses = [status for kind, status in tt.types() if kind == 12]
    assert statuses == [
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "AWAITING_BUYER_SHIP",
        "BUYER_SHIPPED_ITEM",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
    ]


# --- The gateway, faults and malformed answers ----------------------------------------------


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


# --- The demo's own flow --------------------------------------------------------------------


def test_the_simulated_shops_still_make_requests_that_wait_and_are_decided():
    make, stop = simulators()
    try:
        sim, _, _ = make(backlog=3000, backlog_days=20, speed=60)
        orders = sim.world.orders.values()
        cancels = [o.cancellation for o in orders if o.cancellation]
        returns = [r for o in orders for r in o.returns]
        statuses = {r["cancel_status"] for r in cancels if r["cancel_type"] == "BUYER_CANCEL"}
        assert {"CANCELLATION_REQUEST_COMPLETE", "CANCELLATION_REQUEST_CANCELLED"} <= statuses
        assert "CANCELLATION_REQUEST_PENDING" in statuses  # recent ones await the seller
        assert {r["return_status"] for r in returns} >= {
            "RETURN_OR_REFUND_REQUEST_COMPLETE",
            "RETURN_OR_REFUND_REQUEST_PENDING",
        }
        pending = [o for o in orders if state.cancel_pending(o)]
        assert all(o.data["is_buyer_request_cancel"] for o in pending)
        assert all(o.data["status"] == "AWAITING_SHIPMENT" for o in pending)
    finally:
        stop()
