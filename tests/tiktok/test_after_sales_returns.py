"""Returns and refunds through the client against the simulated TikTok Shop: each stage is
answered with its own decision, the buyer sends the item back, and TikTok decides the stages
the seller leaves unanswered."""

from tests.tiktok.after_sales_world import AGREED, DAMAGED, PACKED, refused
from tiktok.after_sales_rules import return_decisions

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


def test_a_return_approved_with_the_buyer_keeping_the_item_is_refunded_without_return(tt):
    order = tt.delivered()
    return_id = tt.control("/simulator/returns", order_id=order.id, type="RETURN_AND_REFUND")[
        "return_id"
    ]
    tt.client.approve_return(
        **tt.auth,
        return_id=return_id,
        decision="APPROVE_RETURN",
        buyer_keep_item=True,
        idempotency_key="keep",
    )
    assert tt.return_of(order)["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
