"""Arranging a TikTok-shipped order's shipment: what the outbox sends for an "arrange" action,
how it checks first that an earlier attempt did not arrange it already, and what it settles.

The payload holds the call (Ship Package with a handover for SEA, EMEA and LATAM; Create
Packages, which buys the label, for the US), TikTok's order and package ids, the handover the
person chose (None: the first TikTok offers, asked when sending) and what the local change
replaced, so that a refusal puts it back (orders.services.shipment_undo). Once TikTok has
arranged it, the documents are fetched by a task (services/documents.py).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from orders.services.arrange import handover_words
from tiktok.arrange_rules import ARRANGE_ALREADY, CREATE_PACKAGES, arrange_words
from tiktok.client import TikTokClient
from tiktok.exceptions import TikTokError
from tiktok.models import TikTokAction
from tiktok.responses import text
from tiktok.services.outbox import Outcome, failure_classify
from tiktok.services.shipping import action_undo, package_id_store
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
DOCUMENTS_TASK = "tiktok.tasks.tiktok_documents_fetch"
ARRANGED = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})
GIVEN_UP = (
    "The portal could not act on TikTok for this shop (its connection needs attention on the "
    "TikTok Shop page), so the shipment was not arranged: arrange it again once the shop is "
    "reconnected."
)


def arranged_package(obj: dict, package_id: str) -> str | None:
    """The package id if TikTok's order object shows the package handed over (a tracking
    number on it); None when it is not."""
    if text(obj.get("status")) not in ARRANGED:
        return None
    items = obj.get("line_items") if isinstance(obj.get("line_items"), list) else []
    for item in (i for i in items if isinstance(i, dict)):
        if text(item.get("tracking_number")) and (
            not package_id or text(item.get("package_id")) == package_id
        ):
            return text(item.get("package_id"))
    return None


def _call(action: TikTokAction, client: TikTokClient, name: str, **arguments):
    connection = action.connection
    method = getattr(client, name)
    return connection_call(
        connection=connection,
        client=client,
        call=lambda access: method(
            access_token=access, shop_cipher=connection.shop_cipher, **arguments
        ),
    )


def _reread(action: TikTokAction, client: TikTokClient) -> str | None:
    payload = action.payload
    objects = _call(action, client, "get_order_detail", order_ids=[payload["order_id"]])
    for obj in objects:
        if isinstance(obj, dict) and text(obj.get("id")) == payload["order_id"]:
            return arranged_package(obj, payload["package_id"])
    return None


def _first_offered(action: TikTokAction, client: TikTokClient) -> tuple[str, tuple | None]:
    """The bulk bar's default: TikTok's first method (pick-up when offered) and first slot."""
    slots = _call(
        action, client, "get_handover_time_slots", package_id=action.payload["package_id"]
    )
    if slots.can_pickup and slots.pickup_slots:
        first = slots.pickup_slots[0]
        return "PICKUP", (first.start, first.end)
    return "DROP_OFF", None


def _arrange(action: TikTokAction, client: TikTokClient):
    payload = action.payload
    if payload["call"] == CREATE_PACKAGES:
        return _call(action, client, "create_packages", order_id=payload["order_id"])
    handover = payload.get("handover")
    if handover is None:
        method, slot = _first_offered(action, client)
    else:
        method = handover["method"]
        slot = (
            tuple(datetime.fromisoformat(t) for t in handover["slot"]) if handover["slot"] else None
        )
    action.payload["handover_words"] = handover_words(
        {"method": method, "slot": slot}, action.order.shop.zone
    )
    return _call(
        action,
        client,
        "ship_package_handover",
        package_id=payload["package_id"],
        handover_method=method,
        pickup_slot=slot,
    )


def arrange_send(action: TikTokAction, reached: bool, client: TikTokClient) -> Outcome:
    """One attempt: re-read first when an earlier one may have arranged it; then the call."""
    try:
        if reached and (package_id := _reread(action, client)) is not None:
            return Outcome("done", 0, "Arranged already", result={"package_id": package_id})
        arranged = _arrange(action, client)
    except TikTokError as error:
        outcome = failure_classify(
            error,
            given_up=GIVEN_UP,
            already=ARRANGE_ALREADY,
            reread=lambda: _reread(action, client),
        )
        if outcome.state == "refused":
            outcome.words = arrange_words(outcome.code, outcome.message)
        return outcome
    return Outcome(
        "done",
        0,
        arranged.message or "Success",
        arranged.request_id,
        result={"package_id": arranged.package_id},
    )


def arrange_settle(action: TikTokAction, outcome: Outcome) -> None:
    """Inside the transaction that settles the row: TikTok's package id onto ours and its
    documents fetched after commit, or the arrangement taken back with TikTok's answer."""
    payload = action.payload
    if outcome.state == TikTokAction.State.DONE:
        package_id_store(action, outcome)
        # the handover TikTok was asked for (its first offer, for the bulk bar), in words
        TikTokAction.objects.filter(pk=action.pk).update(payload=payload)
        package_pk = payload["package_pk"]
        transaction.on_commit(lambda: documents_enqueue(package_pk))
        return
    action_undo(action, outcome)


def documents_enqueue(package_pk: int, countdown: float = 0, attempt: int = 0) -> None:
    """Fetch the package's documents in a worker (the outbox's queue); a broker that is down
    leaves them to be fetched when someone opens one."""
    try:
        registered_task(DOCUMENTS_TASK).apply_async(
            args=[package_pk, attempt], countdown=countdown, queue=settings.TIKTOK_ACTION_QUEUE
        )
    except OperationalError as error:
        log.warning("tiktok documents of package %s not queued: %s", package_pk, error)
