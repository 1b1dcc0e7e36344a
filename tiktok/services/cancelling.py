"""A seller's cancellation on TikTok: what the outbox sends for a "cancel" action (Cancel
Order with TikTok's reason key), how a retry first checks that an earlier attempt did not
cancel it already, and what it settles.

The payload holds TikTok's order id, the reason key and its words, and what the local change
replaced, so that a refusal puts the order back (orders.services.seller_cancel).
"""

from orders.services.seller_cancel import order_cancel_undo
from tiktok.after_sales_rules import refusal_words
from tiktok.client import TikTokClient
from tiktok.exceptions import TikTokError
from tiktok.models import TikTokAction
from tiktok.responses import text
from tiktok.services.outbox import Outcome, failure_classify
from tiktok.services.tokens import connection_call

GIVEN_UP = (
    "The portal could not act on TikTok for this shop (its connection needs attention on the "
    "TikTok Shop page), so the order was put back as it was: cancel it again once the shop "
    "is reconnected."
)
# Cancel Order's codes that may mean "cancelled already": by our own earlier attempt, whose
# answer was lost, or by someone else. The order is read to tell.
MAYBE_CANCELLED = frozenset({25001011, 25020009})


def _cancelled_on_tiktok(action: TikTokAction, client: TikTokClient) -> bool:
    connection, order_id = action.connection, action.payload["order_id"]
    objects = connection_call(
        connection=connection,
        client=client,
        call=lambda access: client.get_order_detail(
            access_token=access, shop_cipher=connection.shop_cipher, order_ids=[order_id]
        ),
    )
    return any(
        isinstance(obj, dict)
        and text(obj.get("id")) == order_id
        and text(obj.get("status")) == "CANCELLED"
        for obj in objects
    )


def _already(action: TikTokAction, client: TikTokClient) -> Outcome | None:
    """Done, if TikTok's order is cancelled; else None."""
    if _cancelled_on_tiktok(action, client):
        return Outcome("done", 0, "Already cancelled on TikTok")
    return None


def cancel_send(action: TikTokAction, reached: bool, client: TikTokClient) -> Outcome:
    """One attempt: after one that may have reached TikTok, read the order first; then Cancel
    Order. A refusal that may mean "cancelled already" is checked against the order."""
    connection, payload = action.connection, action.payload
    try:
        if reached and (done := _already(action, client)):
            return done
        cancelled = connection_call(
            connection=connection,
            client=client,
            call=lambda access: client.cancel_order(
                access_token=access,
                shop_cipher=connection.shop_cipher,
                order_id=payload["order_id"],
                cancel_reason=payload["cancel_reason"],
            ),
        )
    except TikTokError as error:
        outcome = failure_classify(
            error,
            given_up=GIVEN_UP,
            already=MAYBE_CANCELLED,
            reread=lambda: "" if _cancelled_on_tiktok(action, client) else None,
        )
        if outcome.state == "refused":
            outcome.words = refusal_words(outcome.code, outcome.message)
        return outcome
    return Outcome(
        "done",
        0,
        cancelled.cancel_status or "Success",
        cancelled.request_id,
        result={"cancel_id": cancelled.cancel_id},
    )


def cancel_settle(action: TikTokAction, outcome: Outcome) -> None:
    """Inside the transaction that settles the row: TikTok's cancellation id kept with the
    row, or the order put back with TikTok's answer in the timeline."""
    payload = action.payload
    if outcome.state == TikTokAction.State.DONE:
        if cancel_id := outcome.result.get("cancel_id"):
            TikTokAction.objects.filter(pk=action.pk).update(
                payload={**payload, "cancel_id": cancel_id}
            )
        return
    order_cancel_undo(
        order_pk=action.order_id,
        previous=payload["previous"],
        explanation=outcome.words,
        answer={
            "action": action.kind,
            "code": outcome.code,
            "tiktok_message": outcome.message,
            "request_id": outcome.request_id,
            "reason": payload["words"],
        },
    )
