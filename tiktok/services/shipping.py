"""Shipping a seller-shipped order on TikTok: what the outbox sends for a "ship" action, how
it checks first that an earlier attempt did not ship it already, and what it settles.

The payload holds everything the call needs (TikTok's order id, the package id where the
market ships by package, the tracking number, the provider's id and name, the call) and what
the local change replaced, so that a refusal puts it back (orders.services.shipment_undo).
"""

import logging

from orders.models import Package
from orders.services.shipment_undo import order_shipment_undo
from tiktok.client import TikTokClient
from tiktok.exceptions import TikTokError
from tiktok.models import TikTokAction
from tiktok.responses import text
from tiktok.services.outbox import Outcome, failure_classify
from tiktok.services.sync import order_details_store
from tiktok.services.tokens import connection_call
from tiktok.shipping_rules import ALREADY_SHIPPED, ORDER_LEVEL, refusal_words

log = logging.getLogger(__name__)
GIVEN_UP = (
    "The portal could not act on TikTok for this shop (its connection needs attention on the "
    "TikTok Shop page), so the parcel was taken off again: add it once the shop is reconnected."
)


def shipped_package(obj: dict, tracking_number: str) -> str | None:
    """The package id (maybe "") if TikTok's order object is shipped with this tracking
    number; None when it is not."""
    items = obj.get("line_items") if isinstance(obj.get("line_items"), list) else []
    for item in (i for i in items if isinstance(i, dict)):
        if text(item.get("tracking_number")).upper() == tracking_number:
            return text(item.get("package_id"))
    if text(obj.get("tracking_number")).upper() == tracking_number:
        packages = [p for p in obj.get("packages") or [] if isinstance(p, dict)]
        return text(packages[0].get("id")) if packages else ""
    return None


def _reread(action: TikTokAction, client: TikTokClient) -> str | None:
    connection, payload = action.connection, action.payload
    objects = connection_call(
        connection=connection,
        client=client,
        call=lambda access: client.get_order_detail(
            access_token=access,
            shop_cipher=connection.shop_cipher,
            order_ids=[payload["order_id"]],
        ),
    )
    for obj in objects:
        if isinstance(obj, dict) and text(obj.get("id")) == payload["order_id"]:
            return shipped_package(obj, payload["tracking_number"])
    return None


def _ship(action: TikTokAction, client: TikTokClient):
    connection, payload = action.connection, action.payload
    arguments = {
        "shop_cipher": connection.shop_cipher,
        "tracking_number": payload["tracking_number"],
        "shipping_provider_id": payload["shipping_provider_id"],
    }
    if payload["call"] == ORDER_LEVEL:
        arguments["order_id"] = payload["order_id"]
        call = client.mark_package_shipped
    else:
        arguments["package_id"] = payload["package_id"]
        call = client.ship_package
    return connection_call(
        connection=connection,
        client=client,
        call=lambda access: call(access_token=access, **arguments),
    )


def ship_send(action: TikTokAction, reached: bool, client: TikTokClient) -> Outcome:
    """One attempt: re-read first when an earlier one may have shipped it; then the call."""
    payload = action.payload
    try:
        if reached and (package_id := _reread(action, client)) is not None:
            return Outcome(
                "done",
                0,
                "Already shipped with this tracking number",
                result={"package_id": package_id},
            )
        shipped = _ship(action, client)
    except TikTokError as error:
        outcome = failure_classify(
            error,
            given_up=GIVEN_UP,
            already=ALREADY_SHIPPED,
            reread=lambda: _reread(action, client),
        )
        if outcome.state == "refused":
            outcome.words = refusal_words(
                outcome.code,
                outcome.message,
                tracking=payload["tracking_number"],
                carrier=payload["carrier"],
            )
        return outcome
    return Outcome(
        "done",
        0,
        shipped.warning or shipped.message or "Success",
        shipped.request_id,
        result={"package_id": shipped.package_id or payload.get("package_id", "")},
    )


def ship_settle(action: TikTokAction, outcome: Outcome) -> None:
    """Inside the transaction that settles the row: TikTok's package id onto ours, or the
    parcel taken off again with TikTok's answer in the timeline."""
    payload = action.payload
    if outcome.state == TikTokAction.State.DONE:
        package_id_store(action, outcome)
        return
    action_undo(
        action,
        outcome,
        tracking_number=payload["tracking_number"],
        carrier=payload["carrier"],
    )


def package_id_store(action: TikTokAction, outcome: Outcome) -> None:
    """TikTok's package id (from its answer or the re-read) onto the action's package."""
    package_id = outcome.result.get("package_id", "")
    if package_id:
        Package.objects.filter(pk=action.payload["package_pk"]).update(package_id=package_id[:32])


def action_undo(action: TikTokAction, outcome: Outcome, **answer) -> None:
    """The local change taken back, TikTok's answer (and `answer`) kept in the timeline."""
    payload = action.payload
    order_shipment_undo(
        order_pk=action.order_id,
        package_pk=payload["package_pk"],
        previous=payload["previous"],
        explanation=outcome.words,
        answer={
            "action": action.kind,
            "code": outcome.code,
            "tiktok_message": outcome.message,
            "request_id": outcome.request_id,
            **answer,
        },
    )


def ship_refused_reread(action: TikTokAction, client: TikTokClient | None = None) -> None:
    """After a refusal, store TikTok's order as it is, so that the page shows TikTok's
    state (another tracking number, a cancellation); an outage here changes nothing."""
    client = client or TikTokClient.from_settings()
    try:
        order_details_store(action.connection, client, [action.payload["order_id"]], "outbox")
    except TikTokError as error:
        log.info("tiktok: re-read after refused action %s failed: %s", action.pk, error)
