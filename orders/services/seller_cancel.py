"""A seller cancels an order from its page.

A shop acting locally moves the order to cancelled with the person's words (the one status
service). A shop connected to its marketplace cancels with one of the marketplace's reasons
for the order's status: here at once, in the same transaction as the outbox row that tells
the marketplace, and put back as it was if the marketplace refuses (`order_cancel_undo`).
"""

from datetime import datetime

from django.db import transaction

from accounts.roles import Perm
from orders.exceptions import FulfilmentRefused
from orders.models import Order, OrderEvent
from orders.platform import PlatformUnavailable, platform_for
from orders.services.actions import require_shop_perm
from orders.services.sales_rollups import sales_days_touched
from orders.services.shipment_undo import refusal_record
from orders.services.status import order_status_change
from orders.statuses import CancelInitiator, OrderStatus


def cancel_reasons(order: Order) -> list[tuple[str, str]]:
    """The reasons (key, words) the order's marketplace takes for a seller's cancellation now;
    [] when it takes none in the order's status. Raises PlatformUnavailable (the connection
    cannot be used) and is only asked for a connected shop's order."""
    platform = platform_for(order)
    return platform.cancel_reasons(order) if platform else []


def _snapshot(order: Order) -> dict:
    """What cancelling replaces, to put back if the marketplace refuses."""
    return {
        "status": order.status,
        "update_time": order.update_time.isoformat(),
        "cancel_time": order.cancel_time.isoformat() if order.cancel_time else None,
        "cancel_reason": order.cancel_reason,
        "cancellation_initiator": order.cancellation_initiator,
        "lines": {
            str(pk): status for pk, status in order.lines.values_list("pk", "display_status")
        },
        "packages": {
            str(pk): status for pk, status in order.packages.values_list("pk", "package_status")
        },
    }


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str) -> None:
    """Cancel `order` for `reason`: the person's words for a local shop, the key of one of the
    marketplace's reasons for a connected one. Raises FulfilmentRefused (or IllegalTransition)
    and changes nothing then."""
    require_shop_perm(
        order=order, actor=actor, perm=Perm.CHANGE_ORDER_STATUS, refused=FulfilmentRefused
    )
    platform = platform_for(order)
    if platform is None:
        order_status_change(
            order=order, actor=actor, new_status=OrderStatus.CANCELLED, reason=reason
        )
        return
    locked = Order.objects.select_for_update().select_related("shop").get(pk=order.pk)
    try:
        reasons = dict(platform.cancel_reasons(locked))
    except PlatformUnavailable as error:
        raise FulfilmentRefused(str(error)) from None
    if not reasons:
        status = locked.get_status_display().lower()
        raise FulfilmentRefused(f"{platform.name} does not let a seller cancel an order {status}.")
    if reason not in reasons:
        raise FulfilmentRefused(f"Choose one of {platform.name}'s reasons for cancelling.")
    previous = _snapshot(locked)
    order_status_change(
        order=locked, actor=actor, new_status=OrderStatus.CANCELLED, reason=reasons[reason]
    )
    locked.cancellation_initiator = CancelInitiator.SELLER
    locked.save(update_fields=["cancellation_initiator", "modified_at"])
    platform.cancel_record(
        order=locked, reason=reason, words=reasons[reason], actor=actor, previous=previous
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@transaction.atomic
def order_cancel_undo(
    *, order_pk: int, previous: dict, explanation: str, answer: dict
) -> OrderEvent:
    """The marketplace refused the seller's cancellation: the order, its lines and packages go
    back to what they were (if nothing else cancelled it since), and the timeline says why."""
    order = Order.objects.select_for_update().get(pk=order_pk)
    restored = ""
    if order.status == OrderStatus.CANCELLED and previous.get("status"):
        order.status = restored = previous["status"]
        order.update_time = _time(previous["update_time"]) or order.update_time
        order.cancel_time = _time(previous["cancel_time"])
        order.cancel_reason = previous["cancel_reason"]
        order.cancellation_initiator = previous["cancellation_initiator"]
        order.save(
            update_fields=[
                "status",
                "update_time",
                "cancel_time",
                "cancel_reason",
                "cancellation_initiator",
                "modified_at",
            ]
        )
        sales_days_touched([order])
        for line in order.lines.all():
            if (status := previous["lines"].get(str(line.pk))) and status != line.display_status:
                line.display_status = status
                line.save(update_fields=["display_status"])
        for package in order.packages.all():
            status = previous["packages"].get(str(package.pk))
            if status and status != package.package_status:
                package.package_status = status
                package.save(update_fields=["package_status"])
    return refusal_record(order, explanation, answer, restored)
