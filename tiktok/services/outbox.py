"""The outbox: actions written with the local change, sent to TikTok after commit, retried
while TikTok does not answer, settled once it does.

States: pending → sending → done | refused | failed; a transient failure puts the row back to
pending with `next_attempt_at` (exponential back-off with jitter). A row is claimed under a
row lock and each claim counts an attempt; a worker killed mid-send leaves it "sending", and
the beat pass takes it again after TIKTOK_ACTION_STUCK_SECONDS. Any attempt after the first
may follow one that reached TikTok, so the sender re-reads TikTok's order before sending
again. A worker whose claim was taken over settles nothing (its update matches no row).
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from tiktok.client import TikTokClient
from tiktok.crypto import TokenUnreadable
from tiktok.exceptions import ApiError, BadResponse, TikTokError, Unavailable
from tiktok.models import TikTokAction

log = logging.getLogger(__name__)
SEND_TASK = "tiktok.tasks.tiktok_action_send"
# TikTok's gateway families (credentials, signature, app key, clock): not about the action.
GATEWAY_CODES = ("360", "101", "105", "106")


@dataclass
class Outcome:
    """What one attempt came to: a final state and TikTok's answer, or a retry."""

    state: str
    code: int | None = None
    message: str = ""
    request_id: str = ""
    words: str = ""  # for the seller, when refused or given up
    retry_after: float | None = None
    result: dict = field(default_factory=dict)  # what the settler needs (a package id)


def action_create(*, connection, order, kind: str, payload: dict, actor) -> TikTokAction:
    """Inside the caller's transaction: the row, and its sending once that commits."""
    action = TikTokAction.objects.create(
        connection=connection, order=order, kind=kind, payload=payload, actor=actor
    )
    transaction.on_commit(lambda: action_enqueue(action.pk))
    return action


def action_enqueue(action_id: int, countdown: float = 0) -> None:
    """Queue the send; with the broker down the beat pass finds the row due anyway."""
    try:
        registered_task(SEND_TASK).apply_async(
            args=[action_id], countdown=countdown, queue=settings.TIKTOK_ACTION_QUEUE
        )
    except OperationalError as error:
        log.warning("tiktok action %s not queued: %s", action_id, error)


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    base, cap = settings.TIKTOK_ACTION_BACKOFF_SECONDS, settings.TIKTOK_ACTION_BACKOFF_CAP_SECONDS
    if retry_after is not None:
        return min(cap, retry_after)
    return min(cap, base * 2 ** max(0, attempts - 1) + random.uniform(0, base / 2))


def _claim(action_id: int) -> tuple[TikTokAction, bool] | None:
    """The row, now "sending" with one more attempt, and whether an earlier attempt may have
    reached TikTok; None when it is not due (done, locked by another worker, not yet)."""
    now = timezone.now()
    stuck = now - timedelta(seconds=settings.TIKTOK_ACTION_STUCK_SECONDS)
    with transaction.atomic():
        action = (
            # Only the action's row: the shop and the order are read, not claimed (another
            # transaction may hold them, e.g. a sales roll-up recompute of that shop).
            TikTokAction.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("connection__shop", "order")
            .filter(pk=action_id)
            .first()
        )
        if action is None:
            return None
        due = action.state == TikTokAction.State.PENDING and action.next_attempt_at <= now
        abandoned = action.state == TikTokAction.State.SENDING and (
            action.claimed_at is None or action.claimed_at <= stuck
        )
        if not (due or abandoned):
            return None
        reached = action.attempts > 0
        action.state, action.claimed_at = TikTokAction.State.SENDING, now
        action.attempts += 1
        action.save(update_fields=["state", "claimed_at", "attempts"])
    return action, reached


def classify(error: Exception, *, given_up: str) -> Outcome:
    """A failed attempt: TikTok not answering (or an answer we cannot read, which it may have
    acted on) is retried; a business code is TikTok's refusal; anything else about the
    connection (re-authorization needed, scope missing) gives up with `given_up`."""
    if isinstance(error, Unavailable | BadResponse):
        return Outcome(
            "retry",
            code=error.code,
            message=str(error)[:300],
            request_id=error.request_id,
            retry_after=getattr(error, "retry_after", None),
        )
    if type(error) is ApiError and not str(error.code).startswith(GATEWAY_CODES):
        return Outcome("refused", error.code, error.message[:300], error.request_id)
    if isinstance(error, TikTokError | TokenUnreadable):
        code, request_id = getattr(error, "code", None), getattr(error, "request_id", "")
        return Outcome("failed", code, str(error)[:300], request_id, words=given_up)
    raise error


def failure_classify(
    error: Exception, *, given_up: str, already: frozenset, reread: Callable[[], str | None]
) -> Outcome:
    """`classify`, except that a refusal saying it was done already (`already` codes) is
    checked against TikTok's order first: our own earlier attempt, whose answer was lost,
    may be what did it. `reread()` gives the package id when it was, None otherwise."""
    outcome = classify(error, given_up=given_up)
    if outcome.state == "refused" and outcome.code in already:
        try:
            if (package_id := reread()) is not None:
                return Outcome(
                    "done",
                    outcome.code,
                    outcome.message,
                    outcome.request_id,
                    result={"package_id": package_id},
                )
        except TikTokError as reread_error:
            return classify(reread_error, given_up=given_up)
    return outcome


Sender = Callable[[TikTokAction, bool, TikTokClient], Outcome]
Settler = Callable[[TikTokAction, Outcome], None]


def action_send(*, action_id: int, senders: dict[str, tuple[Sender, Settler]], client=None) -> str:
    """One attempt at the action, if it is due; its state afterwards (or "skipped")."""
    claimed = _claim(action_id)
    if claimed is None:
        return "skipped"
    action, reached = claimed
    send, settle = senders[action.kind]
    outcome = send(action, reached, client or TikTokClient.from_settings())
    if outcome.state == "retry" and action.attempts >= settings.TIKTOK_ACTION_MAX_ATTEMPTS:
        outcome.state = TikTokAction.State.FAILED
        outcome.words = (
            f"TikTok did not answer after {action.attempts} attempts, so the portal gave up "
            "and undid the change here: do it again once TikTok is back."
        )
    return _finish(action, outcome, settle)


def _finish(action: TikTokAction, outcome: Outcome, settle: Settler) -> str:
    now = timezone.now()
    values = {
        "response_code": outcome.code,
        "response_message": outcome.message[:300],
        "request_id": outcome.request_id[:64],
    }
    if outcome.state == "retry":
        delay = backoff_seconds(action.attempts, outcome.retry_after)
        values |= {
            "state": TikTokAction.State.PENDING,
            "next_attempt_at": now + timedelta(seconds=delay),
            "last_error": outcome.message[:300],
        }
    else:
        values |= {"state": outcome.state, "sent_at": now}
    with transaction.atomic():
        mine = TikTokAction.objects.filter(
            pk=action.pk, state=TikTokAction.State.SENDING, attempts=action.attempts
        ).update(**values)
        if not mine:
            log.warning("tiktok action %s was taken over; this attempt settles nothing", action.pk)
            return "superseded"
        for name, value in values.items():
            setattr(action, name, value)
        if outcome.state != "retry":
            settle(action, outcome)
    if outcome.state == "retry" and delay <= settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS:
        action_enqueue(action.pk, countdown=delay)
    return values["state"]


def actions_due() -> dict:
    """Beat: queue every pending row that is due and every "sending" row whose worker died."""
    now = timezone.now()
    stuck = now - timedelta(seconds=settings.TIKTOK_ACTION_STUCK_SECONDS)
    due = list(
        TikTokAction.objects.filter(
            state=TikTokAction.State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    abandoned = list(
        TikTokAction.objects.filter(
            state=TikTokAction.State.SENDING, claimed_at__lte=stuck
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due + abandoned:
        action_enqueue(pk)
    return {"due": len(due), "abandoned": len(abandoned)}
