"""A parcel the marketplace's own carrier takes (TikTok-shipped orders): the shipment
arranged from the order page or the bulk bar, with the handover the marketplace offers.

As with a tracking number (`fulfilment.py`), the order awaits collection at once, the
marketplace is told in the same transaction (its outbox), and a refusal takes it back with the
marketplace's answer in the timeline (`shipment_undo.order_shipment_undo`).
"""

from django.db import transaction
from django.utils import formats

from accounts.roles import Perm
from orders.exceptions import FulfilmentRefused
from orders.models import Order, Package
from orders.platform import OrderPlatform, PlatformUnavailable, platform_for
from orders.services.actions import require_shop_perm
from orders.services.shipment_undo import shipment_before
from orders.services.status import order_status_change
from orders.statuses import ActorType, OrderStatus, PackageStatus

PICKUP, DROP_OFF = "PICKUP", "DROP_OFF"
HANDOVER_WORDS = {PICKUP: "Pick-up by the carrier", DROP_OFF: "Drop-off at the carrier"}


def arrange_allowed(order: Order) -> bool:
    """May the order's shipment be arranged with the marketplace's carrier now?"""
    platform = platform_for(order)
    return (
        platform is not None
        and order.status == OrderStatus.AWAITING_SHIPMENT
        and not platform.arrange_refusal(order)
    )


def handover_words(handover: dict | None, zone) -> str:
    """The handover in a seller's words: "pick-up by the carrier, 3 Dec 09:00–12:00"."""
    if handover is None:
        return "the first handover offered"
    words = HANDOVER_WORDS[handover["method"]].lower()
    slot = handover.get("slot")
    if not slot:
        return words
    start, end = (value.astimezone(zone) for value in slot)
    day = formats.date_format(start, "M j")
    return f"{words}, {day} {start:%H:%M}–{end:%H:%M}"


def _handover_chosen(platform: OrderPlatform, order: Order, method: str, slot: str) -> dict:
    try:
        options = platform.handover_options(order)
    except PlatformUnavailable as error:
        raise FulfilmentRefused(str(error)) from None
    if method not in options.methods:
        offered = " or ".join(HANDOVER_WORDS[m].lower() for m in options.methods) or "nothing"
        raise FulfilmentRefused(f"{platform.name} offers {offered} for this parcel: choose one.")
    if method == DROP_OFF:
        return {"method": method, "slot": None}
    for offered in options.slots:
        if offered.key == slot:
            return {"method": method, "slot": (offered.start, offered.end)}
    raise FulfilmentRefused(
        f"Choose a pick-up time from {platform.name}'s list: that one is not offered."
    )


@transaction.atomic
def order_shipment_arrange(
    *, order: Order, actor, method: str = "", slot: str = "", first_offered: bool = False
) -> Package:
    """Arrange the shipment of a marketplace-shipped order: `method` and `slot` (a
    PickupSlot key) from the marketplace's handover options, or `first_offered` (the bulk
    bar) for the first method and slot it offers when the outbox sends."""
    require_shop_perm(
        order=order, actor=actor, perm=Perm.CHANGE_ORDER_STATUS, refused=FulfilmentRefused
    )
    platform = platform_for(order)
    if platform is None:
        raise FulfilmentRefused(
            "Only an order of a shop connected to TikTok is shipped by TikTok's carrier: "
            "add the tracking number of your own carrier instead."
        )
    refusal = platform.arrange_refusal(order)
    if refusal:
        raise FulfilmentRefused(refusal)
    handover = None if first_offered else _handover_chosen(platform, order, method, slot)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.AWAITING_SHIPMENT:
        raise FulfilmentRefused(
            f"An order that is {locked.get_status_display().lower()} cannot have its "
            "shipment arranged."
        )
    previous = shipment_before(locked)
    package = locked.packages.filter(tracking_number="").exclude(package_id="").first()
    previous["package_created"] = package is None
    if package is None:  # the US: the marketplace makes the package as it sells the label
        package = Package.objects.create(order=locked, package_status=PackageStatus.PROCESSING)
    else:
        package.package_status = PackageStatus.PROCESSING
        package.save(update_fields=["package_status"])
    locked.lines.filter(package__isnull=True).update(package=package)
    order_status_change(
        order=locked,
        new_status=OrderStatus.AWAITING_COLLECTION,
        actor_type=ActorType.SYSTEM,
        actor=actor,
        reason=f"shipment arranged with {platform.name}: "
        f"{handover_words(handover, locked.shop.zone)}",
    )
    # The update time stays TikTok's: its answer (the tracking number it gives) is newer.
    Order.objects.filter(pk=locked.pk).update(update_time=previous["update_time"])
    try:
        platform.arrangement_record(
            order=locked, package=package, handover=handover, actor=actor, previous=previous
        )
    except PlatformUnavailable as error:
        raise FulfilmentRefused(str(error)) from None
    order.refresh_from_db()
    return package
