"""TikTok's own shipping as the orders app's platform offers it (orders.platform): which
orders may be arranged, the handover TikTok offers for a package, the outbox row written with
the arrangement, and the documents shown on the order page. Mixed into TikTokPlatform."""

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from orders.platform import HandoverOptions, PickupSlot, PlatformUnavailable, ShippingDocument
from orders.services.arrange import handover_words
from tiktok.arrange_rules import CREATE_PACKAGES, arrange_call_for
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError, TikTokError, Unavailable
from tiktok.models import ShippingDocument as Document
from tiktok.models import TikTokAction
from tiktok.services.order_connection import STALLED, STALLED_WORDS, order_connection
from tiktok.services.outbox import action_create
from tiktok.services.tokens import connection_call

NOT_TIKTOK_SHIPPED = "Not a TikTok-shipped order: the seller ships it with a tracking number."


def _waiting_package(order):
    return order.packages.filter(tracking_number="").exclude(package_id="").first()


def _slots_key(connection, package_id: str) -> str:
    return f"tiktok:handover:{connection.pk}:{package_id}"


class ArrangePlatform:
    def arrange_refusal(self, order) -> str:
        connection = order_connection(order)
        if connection is None:
            return ""
        if connection.state in STALLED:
            return STALLED_WORDS.format(what="nothing can be shipped")
        if order.shipping_type != "TIKTOK":
            return NOT_TIKTOK_SHIPPED
        if arrange_call_for(connection.region) != CREATE_PACKAGES and not _waiting_package(order):
            return "TikTok has not given this order a package yet: sync the shop and try again."
        return ""

    def handover_options(self, order) -> HandoverOptions:
        connection = order_connection(order)
        if arrange_call_for(connection.region) == CREATE_PACKAGES:
            return HandoverOptions(methods=["DROP_OFF"])  # a bought label: the seller drops it
        package = _waiting_package(order)
        key = _slots_key(connection, package.package_id)
        cached = cache.get(key)
        if cached is None:
            offered = _slots_fetch(connection, package.package_id)
            methods = (["PICKUP"] if offered.can_pickup and offered.pickup_slots else []) + (
                ["DROP_OFF"] if offered.can_drop_off else []
            )
            cached = (methods, [(s.start, s.end) for s in offered.pickup_slots])
            cache.set(key, cached, settings.TIKTOK_HANDOVER_CACHE_SECONDS)
        methods, slots = cached
        zone = order.shop.zone  # the page shows times in the shop's zone
        return HandoverOptions(
            methods=methods,
            slots=[
                PickupSlot(start.astimezone(zone), end.astimezone(zone)) for start, end in slots
            ],
        )

    def arrangement_record(self, *, order, package, handover, actor, previous: dict) -> None:
        connection = order_connection(order)
        slot = handover and handover["slot"]
        action_create(
            connection=connection,
            order=order,
            kind=TikTokAction.Kind.ARRANGE,
            actor=actor,
            payload={
                "call": arrange_call_for(connection.region),
                "order_id": order.order_id,
                "package_id": package.package_id,
                "package_pk": package.pk,
                "handover": handover
                and {
                    "method": handover["method"],
                    "slot": [t.isoformat() for t in slot] if slot else None,
                },
                "handover_words": handover_words(handover, order.shop.zone),
                "previous": previous,
            },
        )

    def documents(self, order) -> list[ShippingDocument]:
        if order.shipping_type != "TIKTOK" or order_connection(order) is None:
            return []
        packages = list(order.packages.exclude(package_id="").exclude(tracking_number=""))
        stored = {
            (d.package_id, d.document_type): d
            for d in Document.objects.filter(package__in=packages)
        }
        found = []
        for package in packages:
            suffix = f" (package {package.package_id})" if len(packages) > 1 else ""
            for kind in Document.Type:
                document = stored.get((package.pk, kind))
                # the row's word (no storage round trip per page); opening a document whose
                # file went missing fetches it again
                fetched = document.fetched_at if document and document.file else None
                fetched = fetched and fetched.astimezone(order.shop.zone)  # the page's zone
                found.append(
                    ShippingDocument(
                        title=f"TikTok's {kind.label.lower()}{suffix}",
                        url=reverse("tiktok:document", args=[package.pk, kind.value.lower()]),
                        fetched_at=fetched,
                        note=(document.problem if document and not fetched else ""),
                        refetch_url=reverse("tiktok:document_refetch", args=[package.pk]),
                    )
                )
        return found


def _slots_fetch(connection, package_id: str):
    client = TikTokClient.from_settings()
    try:
        return connection_call(
            connection=connection,
            client=client,
            call=lambda access: client.get_handover_time_slots(
                access_token=access, shop_cipher=connection.shop_cipher, package_id=package_id
            ),
        )
    except Unavailable:
        raise PlatformUnavailable(
            "TikTok did not answer when asked how its carrier takes this parcel: reload the "
            "page in a minute."
        ) from None
    except ApiError as error:
        raise PlatformUnavailable(
            f"TikTok would not offer a handover for this parcel: “{error.message}”."
        ) from None
    except TikTokError as error:
        raise PlatformUnavailable(
            f"TikTok could not be asked for its pick-up times ({error})."
        ) from None
