"""What TikTok's after-sales rules are, as tables: the reasons a seller may give to cancel an
order in each status, the decisions that answer a return at each stage, and TikTok's refusal
codes in a seller's words (TikTok's Approve/Reject Cancellation, Cancel Order and
Approve/Reject Return pages).

The keys and codes are TikTok's (the public copies of its docs); which decision fits which
stage is inferred from them (UNCONFIRMED, docs/decisions.md), so each is one line to change.
"""

from dataclasses import dataclass

# --- Cancel Order: the seller's reason keys by order status (US) ----------------------

_UNPAID_REASONS = {
    "seller_cancel_unpaid_reason_out_of_stock": "Out of stock",
    "seller_cancel_unpaid_reason_wrong_price": "The price was wrong",
    "seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed": (
        "The buyer has not paid in time"
    ),
    "seller_cancel_unpaid_reason_buyer_requested_cancellation": "The buyer asked to cancel",
}
_PAID_REASONS = {
    "seller_cancel_reason_out_of_stock": "Out of stock",
    "seller_cancel_reason_wrong_price": "The price was wrong",
    "seller_cancel_paid_reason_address_not_deliver": "We cannot deliver to this address",
    "seller_cancel_paid_reason_buyer_requested_cancellation": "The buyer asked to cancel",
}
# TikTok's order statuses in which the seller may cancel, each with its reasons; a reason of
# another status is refused (25001021). Once the seller has shipped (AWAITING_COLLECTION and
# later) Cancel Order is refused 25001045. UNCONFIRMED: TikTok's matrix of who may cancel
# also lists AWAITING_COLLECTION, for a package not yet handed over; the stricter reading is
# kept, since a parcel with a tracking number is on its way.
SELLER_CANCEL_REASONS: dict[str, dict[str, str]] = {
    "UNPAID": _UNPAID_REASONS,
    "ON_HOLD": _PAID_REASONS,
    "AWAITING_SHIPMENT": _PAID_REASONS,
}


def seller_cancel_reasons(order_status: str) -> dict[str, str]:
    """{reason key: words} the seller may cancel an order of this TikTok status with; empty
    when TikTok does not let the seller cancel it."""
    return SELLER_CANCEL_REASONS.get(order_status, {})


# --- Approve / Reject Return: the decisions by stage ---------------------------------


@dataclass(frozen=True)
class Decisions:
    """The `decision` values that answer a return at one stage; `approve[0]` is the usual
    approval, the others alternatives (a refund instead of a replacement)."""

    approve: tuple[str, ...]
    reject: str
    seller_action: str  # TikTok's seller_next_action_response action at this stage


# (return_status, return_type) -> what answers it. UNCONFIRMED: inferred from the decision
# names and the error list (25020003 "decision not match reverse status").
RETURN_DECISIONS: dict[tuple[str, str], Decisions] = {
    ("RETURN_OR_REFUND_REQUEST_PENDING", "REFUND"): Decisions(
        ("APPROVE_REFUND",), "REJECT_REFUND", "SELLER_RESPOND_REFUND"
    ),
    ("RETURN_OR_REFUND_REQUEST_PENDING", "RETURN_AND_REFUND"): Decisions(
        ("APPROVE_RETURN",), "REJECT_RETURN", "SELLER_RESPOND_RETURN"
    ),
    ("BUYER_SHIPPED_ITEM", "RETURN_AND_REFUND"): Decisions(
        ("APPROVE_RECEIVED_PACKAGE",), "REJECT_RECEIVED_PACKAGE", "SELLER_RESPOND_RECEIVE_PACKAGE"
    ),
    ("REPLACEMENT_REQUEST_PENDING", "REPLACEMENT"): Decisions(
        ("APPROVE_REPLACEMENT", "ISSUE_REPLACEMENT_REFUND"),
        "REJECT_REPLACEMENT",
        "SELLER_RESPOND_REPLACEMENT",
    ),
}


def return_decisions(return_status: str, return_type: str) -> Decisions | None:
    """What answers a return at this stage; None when nothing is asked of the seller."""
    return RETURN_DECISIONS.get((return_status, return_type))


# Each decision in a seller's words (a button, a timeline line).
DECISION_WORDS: dict[str, str] = {
    "APPROVE_REFUND": "Refund the buyer, who keeps the item",
    "REJECT_REFUND": "Refuse the refund",
    "APPROVE_RETURN": "Accept the return: the buyer sends the item back",
    "REJECT_RETURN": "Refuse the return",
    "APPROVE_RECEIVED_PACKAGE": "The item came back as expected: refund the buyer",
    "REJECT_RECEIVED_PACKAGE": "Refuse the item that came back",
    "APPROVE_REPLACEMENT": "Send a replacement",
    "ISSUE_REPLACEMENT_REFUND": "Refund instead of replacing",
    "REJECT_REPLACEMENT": "Refuse the replacement",
}
# TikTok's seller_next_action_response actions: what the buyer's request asks of the seller.
SELLER_ACTION_WORDS: dict[str, str] = {
    "SELLER_RESPOND_CANCEL": "Answer the buyer's cancellation request",
    "SELLER_RESPOND_REFUND": "Answer the buyer's refund request",
    "SELLER_RESPOND_RETURN": "Answer the buyer's return request",
    "SELLER_RESPOND_RECEIVE_PACKAGE": "Check the returned item and accept or refuse it",
    "SELLER_RESPOND_REPLACEMENT": "Answer the buyer's replacement request",
}

# --- TikTok's refusals in a seller's words ------------------------------

# The request was answered already (by the seller, by TikTok at the deadline, or the buyer
# withdrew it): re-read it rather than report a failure.
ALREADY_DECIDED = frozenset({25011011, 25011012, 25011013, 25020009})
REFUSALS: dict[int, str] = {
    25011011: "TikTok says this request can no longer be rejected: it was answered already.",
    25011012: "TikTok says this request can no longer be approved: it was answered already.",
    25011013: "TikTok says the returned item cannot be accepted at this stage.",
    25020009: "TikTok says the order is cancelled already.",
    25020003: "TikTok says this answer does not fit the request's stage: reload it.",
    25020004: "TikTok says this answer does not fit this kind of request.",
    25020005: "TikTok says this shop may not answer for this order.",
    25001003: "TikTok says the order's status does not allow this.",
    25001045: "TikTok says the order has shipped, so it can no longer be cancelled.",
    25001011: "TikTok says the order is cancelled already or has a return in progress.",
    25001014: "TikTok did not accept that reason.",
    25001015: "TikTok did not accept that reason.",
    25001016: "TikTok says that reason does not fit this answer.",
    25001020: "TikTok did not accept that reason.",
    25001021: "TikTok says that reason does not fit the order's status: choose another.",
    25001057: "TikTok says that reason does not fit this kind of request.",
    25001028: "TikTok was busy with this order: try again in a moment.",
    25001044: "TikTok says this request cannot be approved.",
    25007007: "The buyer and TikTok are negotiating this request: answer it on TikTok.",
    25011010: "TikTok's customer service has taken this request over.",
}
REFUSED_OTHERWISE = "TikTok refused: “{message}”."
RETRY_CODES = frozenset({25001028})  # a lock TikTok could not take: the same call again


def refusal_words(code: int | None, message: str) -> str:
    words = REFUSALS.get(code or 0, REFUSED_OTHERWISE)
    return words.format(message=message or "no reason given")
