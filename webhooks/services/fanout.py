"""Events read from the tables every change already writes, one delivery per endpoint wanting it.

The order services write an `OrderEvent` in the transaction of every change, so the timeline
is an outbox nobody has to remember to fill: the beat pass reads entries past a watermark
(a `Watermark` row, moved in the same transaction as the deliveries it made), so an event is
never lost and never skipped. Ids are handed out before transactions commit, so an entry may
become visible after a higher one was read: each pass reads again WEBHOOKS_LOOKBACK_IDS ids
below the watermark, and the (endpoint, event id) constraint keeps a delivery from being made
twice. Finished exports are read the same way by their finish time.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from accounts.access import user_has_shop_perm
from accounts.roles import Perm
from exports.models import ExportJob, ExportStatus
from orders.models import OrderEvent
from webhooks.models import Delivery, Endpoint, EventType, Watermark
from webhooks.payloads import KINDS, event_type_of, export_body, order_event_body

ORDER_EVENTS, EXPORTS = "order_events", "exports"


def endpoint_unmasked(endpoint: Endpoint) -> bool:
    """Buyer contact goes out only when the endpoint asks for it and the administrator who
    made it may still see it unmasked in the shop (accounts/masking.py's rule)."""
    user = endpoint.created_by
    return bool(
        endpoint.include_buyer_contact
        and user is not None
        and user.is_active
        and user_has_shop_perm(user, endpoint.shop, Perm.SEE_BUYER_CONTACT)
    )


def _endpoints_by_shop() -> dict[int, list[Endpoint]]:
    found: dict[int, list[Endpoint]] = {}
    for endpoint in Endpoint.objects.filter(enabled=True).select_related("shop", "created_by"):
        endpoint.unmasked = endpoint_unmasked(endpoint)
        found.setdefault(endpoint.shop_id, []).append(endpoint)
    return found


def _watermark(name: str) -> Watermark:
    Watermark.objects.get_or_create(name=name)
    return Watermark.objects.select_for_update().get(name=name)  # one reader at a time


def _missing(rows: list[Delivery]) -> list[Delivery]:
    """The rows not made already (by an earlier pass over the look-back window)."""
    if not rows:
        return rows
    made = set(
        Delivery.objects.filter(
            endpoint_id__in={row.endpoint_id for row in rows},
            event_id__in={row.event_id for row in rows},
        ).values_list("endpoint_id", "event_id")
    )
    return [row for row in rows if (row.endpoint_id, row.event_id) not in made]


def order_events_read(*, endpoints: dict[int, list[Endpoint]]) -> int:
    """Deliveries for the timeline entries past the watermark; how many were made."""
    mark = _watermark(ORDER_EVENTS)
    start = max(0, mark.last_id - settings.WEBHOOKS_LOOKBACK_IDS)
    wanted = OrderEvent.objects.filter(kind__in=KINDS, order__shop_id__in=endpoints)
    wanted = wanted.select_related("order__shop").order_by("pk")
    # The look-back window whole (at most WEBHOOKS_LOOKBACK_IDS ids), then a batch of new ones.
    looked_back = list(wanted.filter(pk__gt=start, pk__lte=mark.last_id))
    new = list(wanted.filter(pk__gt=mark.last_id)[: settings.WEBHOOKS_READ_BATCH])
    if len(new) < settings.WEBHOOKS_READ_BATCH:  # read to the end: the newest id is the mark
        newest = OrderEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    else:
        newest = new[-1].pk
    events = looked_back + new
    rows = []
    for event in events:
        event_type = event_type_of(event.kind, event.payload or {})
        if event_type is None:
            continue
        bodies: dict[bool, str] = {}
        for endpoint in endpoints.get(event.order.shop_id, ()):
            if event_type not in endpoint.events or event.pk <= endpoint.after_order_event_id:
                continue
            if endpoint.unmasked not in bodies:
                bodies[endpoint.unmasked] = order_event_body(
                    event, event_type, unmasked=endpoint.unmasked
                )
            rows.append(
                Delivery(
                    endpoint=endpoint,
                    event_id=f"evt_{event.pk}",
                    event_type=event_type,
                    body=bodies[endpoint.unmasked],
                )
            )
    rows = _missing(rows)
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if newest > mark.last_id:
        mark.last_id = newest
        mark.save(update_fields=["last_id"])
    return len(rows)


def exports_read(*, endpoints: dict[int, list[Endpoint]]) -> int:
    """Deliveries for export files finished since the watermark (less a look-back)."""
    mark = _watermark(EXPORTS)
    jobs = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__isnull=False)
    if mark.last_time:
        jobs = jobs.filter(
            finished_at__gte=mark.last_time - timedelta(seconds=settings.WEBHOOKS_LOOKBACK_SECONDS)
        )
    jobs = list(jobs.prefetch_related("shops").order_by("finished_at", "pk")[:500])
    rows = []
    for job in jobs:
        for shop in job.shops.all():
            body = None  # made once per shop, for the endpoints that want it
            for endpoint in endpoints.get(shop.pk, ()):
                wanted = EventType.EXPORT_READY in endpoint.events
                if wanted and job.finished_at > endpoint.after_export_finished_at:
                    body = body or export_body(job, shop=shop)
                    rows.append(
                        Delivery(
                            endpoint=endpoint,
                            event_id=f"evt_export_{job.pk}",
                            event_type=EventType.EXPORT_READY,
                            body=body,
                        )
                    )
    rows = _missing(rows)
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if jobs and (mark.last_time is None or jobs[-1].finished_at > mark.last_time):
        mark.last_time = jobs[-1].finished_at
        mark.save(update_fields=["last_time"])
    return len(rows)


def events_read() -> dict:
    """Beat: the new events of both sources turned into deliveries, in one transaction each."""
    endpoints = _endpoints_by_shop()
    with transaction.atomic():
        orders = order_events_read(endpoints=endpoints)
    with transaction.atomic():
        exports = exports_read(endpoints=endpoints)
    return {"order_events": orders, "exports": exports}
