"""The seller's answer to a buyer's request, sent by the outbox: Approve/Reject Cancellation,
Approve/Reject Return, what the attempt settles, and the request
read back afterwards so that the page shows TikTok's own state.

The outbox row's id is TikTok's `idempotency_key`, the same on every attempt. An attempt after
one that may have reached TikTok first re-reads the request: moved on from the status it was
answered in, the earlier attempt (or TikTok) settled it, and nothing is sent again.
"""

import logging

from django.utils import timezone

from orders.services.buyer_requests import (
    buyer_request_answer_refused,
    buyer_request_answer_settled,
)
from orders.statuses import RequestKind
from tiktok.after_sales_rules import RETRY_CODES, refusal_words
from tiktok.client import TikTokClient
from tiktok.exceptions import TikTokError
from tiktok.models import TikTokAction
from tiktok.services.order_details import order_details_store
from tiktok.services.outbox import Outcome, classify
from tiktok.services.request_sync import SEARCHES, request_reread
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
SOURCE = "outbox"
KINDS = {
    TikTokAction.Kind.APPROVE_CANCEL,
    TikTokAction.Kind.REJECT_CANCEL,
    TikTokAction.Kind.APPROVE_RETURN,
    TikTokAction.Kind.REJECT_RETURN,
}
GIVEN_UP = (
    "The portal could not reach TikTok for this shop (its connection needs attention on the "
    "TikTok Shop page), so the answer was not given: answer again once it is reconnected."
)
STATUS_FIELD = {RequestKind.CANCELLATION: "cancel_status", RequestKind.RETURN: "return_status"}


def _current_status(action: TikTokAction, client: TikTokClient) -> str | None:
    """The request's status on TikTok now; None when TikTok does not list it."""
    connection, payload = action.connection, action.payload
    kind = payload["kind"]
    method, ids_name = SEARCHES[kind]
    page = connection_call(
        connection=connection,
        client=client,
        call=lambda access: getattr(client, method)(
            access_token=access,
            shop_cipher=connection.shop_cipher,
            **{ids_name: [payload["request_id"]]},
        ),
    )
    id_name = "cancel_id" if kind == RequestKind.CANCELLATION else "return_id"
    for obj in page.objects:
        if str(obj.get(id_name)) == payload["request_id"]:
            return str(obj.get(STATUS_FIELD[kind]) or "")
    return None


def _call(action: TikTokAction, client: TikTokClient):
    connection, payload = action.connection, action.payload
    key, kind = str(action.pk), action.kind
    arguments: dict = {"shop_cipher": connection.shop_cipher, "idempotency_key": key}
    if kind in (TikTokAction.Kind.APPROVE_CANCEL, TikTokAction.Kind.REJECT_CANCEL):
        arguments["cancel_id"] = payload["request_id"]
    else:
        arguments |= {"return_id": payload["request_id"], "decision": payload["decision"]}
    if kind in (TikTokAction.Kind.REJECT_CANCEL, TikTokAction.Kind.REJECT_RETURN):
        arguments |= {"reject_reason": payload["reject_reason"], "comment": payload["comment"]}
    call = {
        TikTokAction.Kind.APPROVE_CANCEL: client.approve_cancellation,
        TikTokAction.Kind.REJECT_CANCEL: client.reject_cancellation,
        TikTokAction.Kind.APPROVE_RETURN: client.approve_return,
        TikTokAction.Kind.REJECT_RETURN: client.reject_return,
    }[kind]
    return connection_call(
        connection=connection,
        client=client,
        call=lambda access: call(access_token=access, **arguments),
    )


def answer_send(action: TikTokAction, reached: bool, client: TikTokClient) -> Outcome:
    """One attempt; after one that may have reached TikTok, the request is read first."""
    try:
        if reached:
            status = _current_status(action, client)
            if status and status != action.payload["status"]:
                return Outcome("done", 0, "TikTok already moved the request on")
        answer = _call(action, client)
    except TikTokError as error:
        outcome = classify(error, given_up=GIVEN_UP)
        if outcome.state == "refused" and outcome.code in RETRY_CODES:
            outcome.state = "retry"  # TikTok could not lock the order: the same call again
        elif outcome.state == "refused":
            outcome.words = refusal_words(outcome.code, outcome.message)
        return outcome
    return Outcome("done", 0, answer.message or "Success", answer.request_id)


def answer_settle(action: TikTokAction, outcome: Outcome) -> None:
    """Inside the transaction that settles the row: the answer done, or taken back with
    TikTok's answer in the timeline."""
    payload = action.payload
    if outcome.state == TikTokAction.State.DONE:
        buyer_request_answer_settled(request_pk=payload["request_pk"])
        return
    words = outcome.words or refusal_words(outcome.code, outcome.message)
    if outcome.state == TikTokAction.State.FAILED and words != GIVEN_UP:  # out of attempts
        words = (
            f"TikTok did not answer after {action.attempts} attempts, so the answer was not "
            "given: answer the request again while its deadline has not passed."
        )
    buyer_request_answer_refused(
        request_pk=payload["request_pk"],
        explanation=words,
        answer={
            "action": action.kind,
            "code": outcome.code,
            "tiktok_message": outcome.message,
            "request": payload["kind"],
            "at": timezone.now().isoformat(),
        },
    )


def answer_reread(action: TikTokAction, client: TikTokClient | None = None) -> None:
    """After the row settled, whichever way: the order and the request as TikTok says them
    now (an approved cancellation cancels the order); an outage changes nothing."""
    payload, client = action.payload, client or TikTokClient.from_settings()
    try:
        order_details_store(action.connection, client, [action.order.order_id], SOURCE)
    except TikTokError as error:
        log.info("tiktok: re-read of order %s failed: %s", action.order_id, error)
    request_reread(action.connection, client, payload["kind"], payload["request_id"], SOURCE)
