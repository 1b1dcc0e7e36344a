"""Webhook fan-out: how fast do `events` timeline entries become signed deliveries at a local
receiver, with `workers` Celery worker processes sending them?

The entries are written as the order services write them (status changes of the shop's
orders), read by the beat pass's own services in this process, and sent by real workers on
the benchmark's database and broker to the receiver of demo/webhook_receiver.py, which
checks every signature. Everything made is deleted afterwards.
"""

import os
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass

from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from accounts.access import shops_for_user
from accounts.roles import Perm
from benchmarks.tiktok_processes import QUEUE, database_url, running
from demo.webhook_receiver import receiver_start
from orders.models import Order, OrderEvent
from orders.statuses import ActorType, EventKind
from webhooks.models import Delivery
from webhooks.services.deliveries import deliveries_due
from webhooks.services.endpoints import endpoint_create
from webhooks.services.fanout import events_read

TIMEOUT = 600.0


@dataclass
class FanOut:
    events: int
    workers: int
    read_seconds: float  # timeline entries → delivery rows
    seconds: float  # from the first pass to the last delivery
    delivered: int
    verified: int

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


def _worker(number: int) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "sellercenter", "worker", "--pool", "solo",
        "--queues", QUEUE, "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
        "--hostname", f"bench-hooks-{number}-{os.getpid()}@%h",
    ]  # fmt: skip


def _entries(shop, count: int) -> None:
    ids = list(Order.objects.filter(shop=shop).values_list("pk", "status")[:1000])
    if not ids:
        raise RuntimeError(f"{shop.name} has no orders; seed some first.")
    now = timezone.now()
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order_id=ids[n % len(ids)][0],
                kind=EventKind.STATUS_CHANGED,
                actor_type=ActorType.SYSTEM,
                occurred_at=now,
                payload={"from": ids[n % len(ids)][1], "to": ids[n % len(ids)][1], "bench": 1},
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def benchmark_webhooks(*, user, events: int, workers: int = 2) -> FanOut:
    shop = shops_for_user(user, Perm.MANAGE_WEBHOOKS).first()
    if shop is None:
        raise RuntimeError(f"{user.email} manages the webhooks of no shop.")
    receiver = receiver_start()
    first = (OrderEvent.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    endpoint = endpoint_create(
        user=user,
        shop=shop,
        url=f"{receiver.base_url}/ok",
        events=["order.status_changed"],
        include_buyer_contact=False,
    )
    receiver.state.secrets["/ok"] = endpoint.secret
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "WEBHOOKS_QUEUE": QUEUE,
    }
    try:
        with (
            override_settings(
                WEBHOOKS_QUEUE=QUEUE, WEBHOOKS_ALLOW_LOCAL_HTTP=True, WEBHOOKS_QUEUE_BATCH=events
            ),
            ExitStack() as stack,
        ):
            for number in range(workers):
                stack.enter_context(running(_worker(number), env))
            _entries(shop, events)
            started = time.perf_counter()
            while Delivery.objects.filter(endpoint=endpoint).count() < events:
                events_read()
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError("the timeline entries were not all read in time")
            read = time.perf_counter() - started
            deliveries_due()
            pending = Delivery.objects.filter(endpoint=endpoint).exclude(state="delivered")
            while pending.exists():
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError(f"{pending.count()} deliveries not made in time")
                time.sleep(0.2)
            seconds = time.perf_counter() - started
        delivered = receiver.state.delivered("/ok")
        return FanOut(
            events=events,
            workers=workers,
            read_seconds=read,
            seconds=seconds,
            delivered=len(delivered),
            verified=sum(row.verified for row in delivered),
        )
    finally:
        receiver.shutdown()
        receiver.server_close()
        endpoint.delete()
        OrderEvent.objects.filter(pk__gte=first, payload__bench=1).delete()


def render_webhooks_fanout_markdown(result: FanOut) -> str:
    return "\n".join(
        [
            "| case | events | workers | read into deliveries | all delivered | deliveries/s "
            "| signatures ok |",
            "|---|---|---|---|---|---|---|",
            f"| webhook fan-out to a local receiver | {result.events:,} | {result.workers} "
            f"| {result.read_seconds:.1f} s | {result.seconds:.1f} s | {result.per_second:,.0f} "
            f"| {result.verified:,} of {result.delivered:,} |",
        ]
    )
