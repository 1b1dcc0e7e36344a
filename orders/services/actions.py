"""What every action a person takes on an order shares: the permission check and the event."""

from django.utils import timezone

from accounts.access import user_has_shop_perm
from accounts.roles import Perm
from orders.exceptions import OrderError
from orders.models import Order, OrderEvent
from orders.statuses import ActorType


def require_shop_perm(*, order: Order, actor, perm: Perm, refused: type[OrderError]) -> None:
    """Raise `refused` naming the permission when `actor` lacks it in the order's shop."""
    if not user_has_shop_perm(actor, order.shop, perm):
        raise refused(f"You need the “{perm.label}” permission.")


def person_event_record(*, order: Order, actor, kind: str, payload: dict) -> OrderEvent:
    """Append what a person did to the order's timeline, now."""
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor_type=ActorType.USER,
        actor=actor,
        occurred_at=timezone.now(),
        payload=payload,
    )
