"""Webhook fan-out: how fast do `events` timeline entries become signed deliveries at a local
receiver, with `workers` Celery worker processes sending them?

The entries are written as the order services write them (status changes of the shop's
orders), read by the beat pass's own services in this process, and sent by real workers on
the benchmark's database and broker to the receiver of demo/webhook_receiver.py, which
checks every signature. Everything made is deleted afterwards.
"""

import os
import resource
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
from webhooks.worker import worker_options

TIMEOUT = 600.0


@dataclass
class FanOut:
    events: int
    workers: int
    read_seconds: float  # timeline entries → delivery rows
    seconds: float  # from the first pass to the last delivery
    delivered: int
    verified: int
    # CPU seconds: the workers' (start-up included), and this process's (the reading, the
    # receiver, the polling): what a less busy machine would have to give.
    worker_cpu: float = 0.0
    own_cpu: float = 0.0

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


def _worker(number: int) -> list[str]:
    """The production webhook worker (webhooks/worker.py) on the benchmark's queue."""
    return [
        sys.executable, "-m", "celery", "-A", "sellercenter", "worker", *worker_options(QUEUE),
        "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
        "--hostname", f"bench-hooks-{number}-{os.getpid()}@%h",
    ]  # fmt: skip


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


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
            children = _cpu(resource.RUSAGE_CHILDREN)
            for number in range(workers):
                stack.enter_context(running(_worker(number), env))
            _entries(shop, events)
            started, own = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
            # The beat pass's two services, back to back: the workers send the first pass's
            # deliveries while the next entries are read.
            while Delivery.objects.filter(endpoint=endpoint).count() < events:
                events_read()
                deliveries_due()
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError("the timeline entries were not all read in time")
            read = time.perf_counter() - started
            pending = Delivery.objects.filter(endpoint=endpoint).exclude(state="delivered")
            while pending.exists():
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError(f"{pending.count()} deliveries not made in time")
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            own = _cpu(resource.RUSAGE_SELF) - own
        # The workers have stopped (and been waited for): their CPU is counted.
        worker_cpu = _cpu(resource.RUSAGE_CHILDREN) - children
        delivered = receiver.state.delivered("/ok")
        return FanOut(
            events=events,
            workers=workers,
            read_seconds=read,
            seconds=seconds,
            delivered=len(delivered),
            verified=sum(row.verified for row in delivered),
            worker_cpu=worker_cpu,
            own_cpu=own,
        )
    finally:
        receiver.shutdown()
        receiver.server_close()
        endpoint.delete()
        OrderEvent.objects.filter(pk__gte=first, payload__bench=1).delete()


def render_webhooks_fanout_markdown(result: FanOut) -> str:
    per = 1000 / result.delivered if result.delivered else 0.0
    return "\n".join(
        [
            "| case | events | workers | read into deliveries | all delivered | deliveries/s "
            "| signatures ok | CPU per delivery: workers / reader + receiver |",
            "|---|---|---|---|---|---|---|---|",
            f"| webhook fan-out to a local receiver | {result.events:,} | {result.workers} "
            f"| {result.read_seconds:.1f} s | {result.seconds:.1f} s | {result.per_second:,.0f} "
            f"| {result.verified:,} of {result.delivered:,} "
            f"| {result.worker_cpu * per:.1f} ms / {result.own_cpu * per:.1f} ms |",
        ]
    )
