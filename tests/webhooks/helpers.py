"""Endpoints on the local receiver, and the beat pass run where the test runs."""

from datetime import timedelta

from django.utils import timezone

from webhooks.models import Delivery
from webhooks.services.deliveries import deliveries_due
from webhooks.services.endpoints import endpoint_create

ALL_EVENTS = [
    "order.created",
    "order.status_changed",
    "refund.requested",
    "refund.decided",
    "package.shipped",
    "package.delivered",
    "export.ready",
]


def hook(receiver, user, shop, *, path="/ok", events=ALL_EVENTS, contact=False):
    """An endpoint of `shop` on the receiver at `path`, whose secret the receiver knows."""
    endpoint = endpoint_create(
        user=user,
        shop=shop,
        url=receiver.base_url + path,
        events=list(events),
        include_buyer_contact=contact,
    )
    receiver.state.secrets[path] = endpoint.secret
    return endpoint


def beat_pass():
    """One beat pass (events read, due rows queued) with tasks run in place (`eager`)."""
    from webhooks.tasks import webhooks_pass

    return webhooks_pass()


def make_due(delivery: Delivery) -> None:
    """Skip the back-off: the row is due now (as time would make it)."""
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1), queued_at=None
    )


def run_due() -> dict:
    return deliveries_due()


def quiet_order(shop, **fields):
    """A factory order without the timeline the demo builder gives it, so only the changes a
    test makes become events."""
    from tests.orders.factories import OrderFactory

    order = OrderFactory(shop=shop, **fields)
    order.events.all().delete()
    return order
