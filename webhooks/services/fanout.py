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
from webhooks.payloads import KINDS, ORDER_FIELDS, event_type_of, export_body, order_event_body

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


def _made(pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (endpoint, event id) pairs made already (by an earlier pass over the look-back
    window), asked before any body is built, so none is built for a delivery not made."""
    if not pairs:
        return set()
    return set(
        Delivery.objects.filter(
            endpoint_id__in={endpoint_id for endpoint_id, _ in pairs},
            event_id__in={event_id for _, event_id in pairs},
        ).values_list("endpoint_id", "event_id")
    )


def _new_rows(wanted: list[tuple]) -> list[Delivery]:
    """Deliveries for the wanted (endpoint, event id, event type, body key, body maker) not
    made already; a body is built once per key, and only for a delivery being made."""
    made = _made([(endpoint.pk, event_id) for endpoint, event_id, *_ in wanted])
    bodies, rows = {}, []
    for endpoint, event_id, event_type, key, build in wanted:
        if (endpoint.pk, event_id) in made:
            continue
        if key not in bodies:
            bodies[key] = build()
        rows.append(
            Delivery(endpoint=endpoint, event_id=event_id, event_type=event_type, body=bodies[key])
        )
    return rows


def order_events_read(*, endpoints: dict[int, list[Endpoint]]) -> int:
    """Deliveries for the timeline entries past the watermark; how many were made."""
    mark = _watermark(ORDER_EVENTS)
    start = max(0, mark.last_id - settings.WEBHOOKS_LOOKBACK_IDS)
    wanted = OrderEvent.objects.filter(kind__in=KINDS, order__shop_id__in=endpoints)
    wanted = wanted.select_related("order__shop").order_by("pk")
    # Only what a body shows (an order has some 80 columns; the rest would be loaded for nothing).
    event_fields = ("kind", "payload", "occurred_at", "order__shop")
    wanted = wanted.only(*event_fields, *(f"order__{name}" for name in ORDER_FIELDS))
    # The look-back window whole (at most WEBHOOKS_LOOKBACK_IDS ids), then a batch of new ones.
    looked_back = list(wanted.filter(pk__gt=start, pk__lte=mark.last_id))
    new = list(wanted.filter(pk__gt=mark.last_id)[: settings.WEBHOOKS_READ_BATCH])
    if len(new) < settings.WEBHOOKS_READ_BATCH:  # read to the end: the newest id is the mark
        newest = OrderEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    else:
        newest = new[-1].pk
    wanted = []
    for event in looked_back + new:
        event_type = event_type_of(event.kind, event.payload or {})
        if event_type is None:
            continue
        for endpoint in endpoints.get(event.order.shop_id, ()):
            if event_type in endpoint.events and event.pk > endpoint.after_order_event_id:
                unmasked = endpoint.unmasked

                def build(event=event, event_type=event_type, unmasked=unmasked):
                    return order_event_body(event, event_type, unmasked=unmasked)

                wanted.append(
                    (endpoint, f"evt_{event.pk}", event_type, (event.pk, unmasked), build)
                )
    rows = _new_rows(wanted)
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
    wanted = [
        (
            endpoint,
            f"evt_export_{job.pk}",
            EventType.EXPORT_READY,
            (job.pk, shop.pk),  # an export's body names the shop it is sent for
            lambda job=job, shop=shop: export_body(job, shop=shop),
        )
        for job in jobs
        for shop in job.shops.all()
        for endpoint in endpoints.get(shop.pk, ())
        if EventType.EXPORT_READY in endpoint.events
        and job.finished_at > endpoint.after_export_finished_at
    ]
    rows = _new_rows(wanted)
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
