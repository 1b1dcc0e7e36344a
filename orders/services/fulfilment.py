"""Fulfilment actions from the order page: move the status along, add a tracking number."""

import logging
import re

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from accounts.roles import Perm
from accounts.tracking_providers import provider_for_shop
from orders.exceptions import OrderError
from orders.models import Order, OrderEvent, Package
from orders.services.actions import person_event_record, require_shop_perm
from orders.services.status import order_status_change
from orders.statuses import ActorType, EventKind, OrderStatus, PackageStatus, TrackingStatus

log = logging.getLogger(__name__)
TRACKING_START = "orders.tasks.tracking_start_task"  # tracking's task, by its registered name
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9-]{6,40}$")


class FulfilmentRefused(OrderError):
    pass


# The statuses in which a parcel may still be handed to a carrier (the page asks the same).
TRACKABLE_STATUSES = frozenset(
    {
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
    }
)


def tracking_allowed(order: Order) -> bool:
    """May the order get a new tracking number in its status?"""
    return order.status in TRACKABLE_STATUSES


def _require_perm(order: Order, actor) -> None:
    require_shop_perm(
        order=order, actor=actor, perm=Perm.CHANGE_ORDER_STATUS, refused=FulfilmentRefused
    )


def order_status_set(*, order: Order, actor, new_status: str, reason: str = "") -> OrderEvent:
    """A person moves the order along the transition table (see services/status.py)."""
    _require_perm(order, actor)
    if new_status == OrderStatus.CANCELLED and not reason.strip():
        raise FulfilmentRefused("Say why the order is cancelled.")
    return order_status_change(
        order=order,
        new_status=new_status,
        actor_type=ActorType.USER,
        actor=actor,
        reason=reason.strip()[:255],
    )


@transaction.atomic
def order_tracking_add(*, order: Order, actor, carrier: str, tracking_number: str) -> Package:
    """Record the parcel the seller handed to a carrier. An order awaiting shipment then
    awaits collection, as on TikTok once a package is shipped."""
    _require_perm(order, actor)
    carrier, tracking_number = carrier.strip(), tracking_number.strip().upper()
    if not carrier or len(carrier) > 80:
        raise FulfilmentRefused("Name the carrier (at most 80 characters).")
    if not TRACKING_NUMBER.match(tracking_number):
        raise FulfilmentRefused("A tracking number has 6–40 letters, digits or dashes.")
    if not tracking_allowed(order):
        raise FulfilmentRefused(
            f"An order that is {order.get_status_display().lower()} "
            "cannot get a new tracking number."
        )
    locked = Order.objects.select_for_update().get(pk=order.pk)
    package = locked.packages.filter(tracking_number=tracking_number).first()
    if package is not None:
        return package  # the same parcel again: nothing new to record
    package = Package.objects.create(
        order=locked,
        shipping_provider_name=carrier,
        tracking_number=tracking_number,
        tracking_provider=provider_for_shop(locked.shop),
        package_status=PackageStatus.PROCESSING,
        tracking_status=TrackingStatus.PENDING,
        next_poll_at=timezone.now(),
    )
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
    order.refresh_from_db()
    return package


def _track_now(package_id: int) -> None:
    """Register and poll the new number at once in a worker, not at the dispatcher's next
    pass; with the broker unreachable, that pass still finds it due."""
    try:
        registered_task(TRACKING_START).delay(package_id)
    except OperationalError as error:
        log.warning("tracking start for package %s not queued: %s", package_id, error)
