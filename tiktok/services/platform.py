"""TikTok as the orders app's platform (orders.platform): which orders are TikTok's to act
on, the carriers TikTok allows for an order, the outbox row written with a shipment, and
what the order page says about it. Registered by TikTokConfig.ready."""

from django.conf import settings
from django.core.cache import cache
from django.utils import formats

from orders.platform import Carrier, PlatformNotice, PlatformUnavailable
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError, TikTokError, Unavailable
from tiktok.models import TikTokAction, TikTokConnection
from tiktok.services.arrange_platform import ArrangePlatform
from tiktok.services.order_connection import STALLED, STALLED_WORDS, order_connection
from tiktok.services.outbox import action_create
from tiktok.services.tokens import connection_call
from tiktok.shipping_rules import ORDER_LEVEL, PROVIDER_REFUSALS, ship_call_for

_connection = order_connection


def _providers_key(connection: TikTokConnection, delivery_option_id: str) -> str:
    return f"tiktok:providers:{connection.pk}:{delivery_option_id}"


class TikTokPlatform(ArrangePlatform):
    name = "TikTok"

    def connected(self, order) -> bool:
        return _connection(order) is not None

    def shipping_refusal(self, order) -> str:
        connection = _connection(order)
        if connection is None:
            return ""
        if connection.state in STALLED:
            return STALLED_WORDS
        if order.shipping_type == "TIKTOK":
            if order.status != "AWAITING_SHIPMENT":
                return (
                    "TikTok ships this order with its own carrier, which gives the tracking number."
                )
            return (
                "TikTok ships this order with its own carrier: arrange the shipment here (no "
                "tracking number to add; TikTok gives it)."
            )
        return ""

    def carriers(self, order) -> list[Carrier]:
        connection = _connection(order)
        if not order.delivery_option_id:
            raise PlatformUnavailable(
                "TikTok has not told the portal this order's delivery option yet: sync the shop "
                "(TikTok Shop page), then add the tracking number."
            )
        key = _providers_key(connection, order.delivery_option_id)
        cached = cache.get(key)
        if cached is None:
            cached = [(p.id, p.name) for p in _providers_fetch(connection, order)]
            cache.set(key, cached, settings.TIKTOK_PROVIDERS_CACHE_SECONDS)
        return [Carrier(id=pid, name=name) for pid, name in cached]

    def shipment_record(self, *, order, package, carrier: Carrier, actor, previous: dict) -> None:
        connection = _connection(order)
        call = ship_call_for(connection.region)
        if call != ORDER_LEVEL and not package.package_id:
            raise PlatformUnavailable(
                "TikTok has not given this order a package yet: sync the shop and try again."
            )
        action_create(
            connection=connection,
            order=order,
            kind=TikTokAction.Kind.SHIP,
            actor=actor,
            payload={
                "call": call,
                "order_id": order.order_id,
                "package_id": package.package_id,
                "package_pk": package.pk,
                "tracking_number": package.tracking_number,
                "shipping_provider_id": carrier.id,
                "carrier": carrier.name,
                "previous": previous,
            },
        )

    def notice(self, order) -> PlatformNotice | None:
        action = (
            TikTokAction.objects.filter(
                order=order, kind__in=[TikTokAction.Kind.SHIP, TikTokAction.Kind.ARRANGE]
            )
            .order_by("-created_at", "-id")
            .first()
        )
        return action_notice(action, order.shop.zone) if action else None


def _providers_fetch(connection: TikTokConnection, order):
    client = TikTokClient.from_settings()
    try:
        return connection_call(
            connection=connection,
            client=client,
            call=lambda access: client.get_shipping_providers(
                access_token=access,
                shop_cipher=connection.shop_cipher,
                delivery_option_id=order.delivery_option_id,
            ),
        )
    except Unavailable:
        raise PlatformUnavailable(
            "TikTok did not answer when asked for its carriers: reload the page in a minute."
        ) from None
    except ApiError as error:
        words = PROVIDER_REFUSALS.get(error.code or 0)
        raise PlatformUnavailable(
            words or f"TikTok would not list carriers for this order: “{error.message}”."
        ) from None
    except TikTokError as error:
        raise PlatformUnavailable(
            f"TikTok could not be asked for its carriers ({error})."
        ) from None


# What the order page says of each kind of action, by state; {subject} is what was sent,
# {told} TikTok's answer, {error} the last failure and {at} the next attempt's time.
NOTICES = {
    TikTokAction.Kind.SHIP: {
        "done": "TikTok accepted the shipment of {subject}.",
        "refused": "{subject} was taken off the order: TikTok did not take it{told}. "
        "The timeline says why; add the parcel again once that is fixed.",
        "waiting": "TikTok did not answer yet about {subject} ({error}); the portal tries "
        "again by itself at {at}. Nothing to do meanwhile.",
        "sending": "Sending {subject} to TikTok…",
    },
    TikTokAction.Kind.ARRANGE: {
        "done": "TikTok arranged the shipment ({subject}).",
        "refused": "The shipment was not arranged: TikTok did not take it{told}. The timeline "
        "says why; arrange it again once that is fixed.",
        "waiting": "TikTok did not answer yet about the shipment ({error}); the portal tries "
        "again by itself at {at}. Nothing to do meanwhile.",
        "sending": "Arranging the shipment with TikTok ({subject})…",
    },
}


def action_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The order page's line about an action sent to TikTok, in a seller's words."""
    payload, state = action.payload, action.state
    if action.kind == TikTokAction.Kind.ARRANGE:
        subject = payload.get("handover_words", "")
    else:
        subject = f"{payload.get('carrier', '')} {payload.get('tracking_number', '')}".strip()
    words = NOTICES[action.kind]
    if state == TikTokAction.State.DONE:
        return PlatformNotice(words["done"].format(subject=subject), "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        reason = action.response_message
        told = f" (TikTok's answer: “{reason}”, code {action.response_code})" if reason else ""
        return PlatformNotice(words["refused"].format(subject=subject, told=told), "error")
    if state == TikTokAction.State.PENDING and action.attempts:
        at = formats.time_format(action.next_attempt_at.astimezone(zone), "H:i")
        error = action.last_error or "no answer"
        text = words["waiting"].format(subject=subject, error=error, at=at)
        return PlatformNotice(text, "warning")
    return PlatformNotice(words["sending"].format(subject=subject), "info")
