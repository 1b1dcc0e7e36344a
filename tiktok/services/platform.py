"""TikTok as the orders app's platform (orders.platform): which orders are TikTok's to act
on, the carriers TikTok allows for an order, the outbox row written with a shipment, and
what the order page says about it. Registered by TikTokConfig.ready."""

from django.conf import settings
from django.core.cache import cache

from orders.platform import Carrier, PlatformNotice, PlatformUnavailable
from tiktok.after_sales_rules import seller_cancel_reasons
from tiktok.models import TikTokAction, TikTokConnection
from tiktok.services.arrange_platform import ArrangePlatform
from tiktok.services.notices import NOTICES, action_notice
from tiktok.services.order_connection import STALLED, STALLED_WORDS, order_connection
from tiktok.services.outbox import action_create
from tiktok.services.platform_words import tiktok_ask
from tiktok.services.request_platform import RequestAnswers
from tiktok.shipping_rules import ORDER_LEVEL, PROVIDER_REFUSALS, ship_call_for

_connection = order_connection


def _providers_key(connection: TikTokConnection, delivery_option_id: str) -> str:
    return f"tiktok:providers:{connection.pk}:{delivery_option_id}"


class TikTokPlatform(ArrangePlatform, RequestAnswers):
    name = "TikTok"
    connection_of = staticmethod(lambda order: _connection(order))

    def connected(self, order) -> bool:
        return _connection(order) is not None

    def shipping_refusal(self, order) -> str:
        connection = _connection(order)
        if connection is None:
            return ""
        if connection.state in STALLED:
            return STALLED_WORDS.format(what="nothing can be shipped")
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

    def cancel_reasons(self, order) -> list[tuple[str, str]]:
        if _connection(order).state in STALLED:
            raise PlatformUnavailable(STALLED_WORDS.format(what="no order can be cancelled"))
        return list(seller_cancel_reasons(order.status).items())

    def cancel_record(self, *, order, reason: str, words: str, actor, previous: dict) -> None:
        action_create(
            connection=_connection(order),
            order=order,
            kind=TikTokAction.Kind.CANCEL,
            actor=actor,
            payload={
                "order_id": order.order_id,
                "cancel_reason": reason,
                "words": words,
                "previous": previous,
            },
        )

    def notice(self, order) -> PlatformNotice | None:
        action = (
            TikTokAction.objects.filter(order=order, kind__in=NOTICES)
            .order_by("-created_at", "-id")
            .first()
        )
        return action_notice(action, order.shop.zone) if action else None


def _providers_fetch(connection: TikTokConnection, order):
    return tiktok_ask(
        connection,
        lambda client, access: client.get_shipping_providers(
            access_token=access,
            shop_cipher=connection.shop_cipher,
            delivery_option_id=order.delivery_option_id,
        ),
        what="its carriers",
        listed="carriers for this order",
        refusals=PROVIDER_REFUSALS,
    )
