"""Fulfilment from the order page: a parcel's tracking number (a status change is
`orders.services.status.order_status_change`).

For a shop connected to its marketplace (orders.platform), the carrier is one the platform
allows for the order and the platform is told in the same transaction (its outbox); if it
refuses, `order_shipment_undo` takes the parcel off again and the timeline says why.
"""

import logging
import re

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from accounts.roles import Perm
from accounts.tracking_providers import provider_for_shop
from orders.exceptions import FulfilmentRefused
from orders.models import Order, Package
from orders.platform import Carrier, OrderPlatform, PlatformUnavailable, platform_for
from orders.services.actions import person_event_record, require_shop_perm
from orders.services.shipment_undo import shipment_before
from orders.services.status import order_status_change
from orders.statuses import (
    UNSHIPPED,
    ActorType,
    EventKind,
    OrderStatus,
    PackageStatus,
    TrackingStatus,
)

log = logging.getLogger(__name__)
TRACKING_START = "orders.tasks.tracking_start_task"  # tracking's task, by its registered name
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9-]{6,40}$")


def tracking_allowed(order: Order) -> bool:
    """May the order get a new tracking number in its status? On a marketplace, only while
    it awaits shipment there (it ships once)."""
    platform = platform_for(order)
    if platform is not None:
        return order.status == OrderStatus.AWAITING_SHIPMENT and not platform.shipping_refusal(
            order
        )
    return order.status in UNSHIPPED


def _require_perm(order: Order, actor) -> None:
    require_shop_perm(
        order=order, actor=actor, perm=Perm.CHANGE_ORDER_STATUS, refused=FulfilmentRefused
    )


def _carrier_chosen(platform: OrderPlatform, order: Order, provider_id: str) -> Carrier:
    refusal = platform.shipping_refusal(order)
    if refusal:
        raise FulfilmentRefused(refusal)
    if not provider_id:
        raise FulfilmentRefused(f"Choose the carrier from {platform.name}'s list.")
    try:
        carriers = platform.carriers(order)
    except PlatformUnavailable as error:
        raise FulfilmentRefused(str(error)) from None
    for carrier in carriers:
        if carrier.id == provider_id:
            return carrier
    raise FulfilmentRefused(
        f"{platform.name} does not allow that carrier for this order's delivery option: "
        "choose one from the list."
    )


@transaction.atomic
def order_tracking_add(
    *, order: Order, actor, carrier: str, tracking_number: str, shipping_provider_id: str = ""
) -> Package:
    """Record the parcel the seller handed to a carrier. An order awaiting shipment then
    awaits collection, as on TikTok once a package is shipped. For a connected shop the
    carrier is `shipping_provider_id` from the platform's list, and the platform is told."""
    _require_perm(order, actor)
    platform = platform_for(order)
    carrier, tracking_number = carrier.strip(), tracking_number.strip().upper()
    chosen = None
    if platform is not None:
        chosen = _carrier_chosen(platform, order, shipping_provider_id.strip())
        carrier = chosen.name[:80]
    if not carrier or len(carrier) > 80:
        raise FulfilmentRefused("Name the carrier (at most 80 characters).")
    if not TRACKING_NUMBER.match(tracking_number):
        raise FulfilmentRefused("A tracking number has 6–40 letters, digits or dashes.")
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not tracking_allowed(locked):
        raise FulfilmentRefused(
            f"An order that is {locked.get_status_display().lower()} "
            "cannot get a new tracking number."
        )
    package = locked.packages.filter(tracking_number=tracking_number).first()
    if package is not None:
        return package  # the same parcel again: nothing new to record
    previous = shipment_before(locked)
    package, created = _package_for(locked, carrier, tracking_number, platform is not None)
    previous["package_created"] = created
    locked.lines.filter(package__isnull=True).update(package=package)
    if package.tracking_provider:
        transaction.on_commit(lambda: _track_now(package.pk))
    person_event_record(
        order=locked,
        actor=actor,
        kind=EventKind.TRACKING_UPDATED,
        payload={"carrier": carrier, "tracking_number": tracking_number},
    )
    if locked.status == OrderStatus.AWAITING_SHIPMENT:
        order_status_change(
            order=locked,
            new_status=OrderStatus.AWAITING_COLLECTION,
            actor_type=ActorType.USER,
            actor=actor,
        )
    if platform is not None:
        try:
            platform.shipment_record(
                order=locked, package=package, carrier=chosen, actor=actor, previous=previous
            )
        except PlatformUnavailable as error:
            raise FulfilmentRefused(str(error)) from None
    order.refresh_from_db()
    return package


def _package_for(order: Order, carrier: str, tracking_number: str, reuse: bool):
    """(package, created): a marketplace's package still without a number (TikTok gives one
    at payment outside the US) takes it; otherwise a new parcel."""
    values = {
        "shipping_provider_name": carrier,
        "tracking_number": tracking_number,
        "tracking_provider": provider_for_shop(order.shop),
        "package_status": PackageStatus.PROCESSING,
        "tracking_status": TrackingStatus.PENDING,
        "next_poll_at": timezone.now(),
    }
    waiting = order.packages.filter(tracking_number="").exclude(package_id="").first()
    if reuse and waiting is not None:
        for name, value in values.items():
            setattr(waiting, name, value)
        waiting.save(update_fields=list(values))
        return waiting, False
    return Package.objects.create(order=order, **values), True


def _track_now(package_id: int) -> None:
    """Register and poll the new number at once in a worker, not at the dispatcher's next
    pass; with the broker unreachable, that pass still finds it due."""
    try:
        registered_task(TRACKING_START).delay(package_id)
    except OperationalError as error:
        log.warning("tracking start for package %s not queued: %s", package_id, error)
