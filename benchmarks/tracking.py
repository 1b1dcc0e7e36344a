"""The tracking poll benchmark: N due packages, two worker processes, one cycle.

Packages made for the run (numbers `BENCH…`, on existing orders) are registered with an
in-process simulated carrier at times spread over the last three days, so answers carry one to
six scans each. Two forked processes then do what the `tracking` workers do — claim a batch
with SKIP LOCKED, ask the carrier within the shared rate limit, store the answers — until
nothing is due. Everything the run created is deleted afterwards.
"""

import multiprocessing
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from demo.carrier_simulator import simulator_server
from orders.models import Order, OrderEvent, Package
from tracking.carriers.seventeen_track import SeventeenTrack
from tracking.services.poll import poll_due

PREFIX = "BENCH"
PROVIDER = "benchmark"  # its own provider code: only the run's packages are polled


@dataclass
class TrackingTiming:
    packages: int
    workers: int
    seconds: float
    requests: int
    refused: int
    rate_limit: float
    writes: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _make_packages(count: int) -> None:
    order_ids = list(Order.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    if not order_ids:
        raise ValueError("no orders: seed some first")
    now = timezone.now()
    Package.objects.bulk_create(
        (
            Package(
                order_id=order_ids[i % len(order_ids)],
                tracking_number=f"{PREFIX}{i:010d}",
                tracking_provider=PROVIDER,
                next_poll_at=now - timedelta(minutes=1),
            )
            for i in range(count)
        ),
        batch_size=5000,
    )


def _clean() -> None:
    OrderEvent.objects.filter(payload__tracking_number__startswith=PREFIX).delete()
    Package.objects.filter(tracking_number__startswith=PREFIX).delete()


def _worker(base_url: str, key: str, rate: float, results) -> None:
    writes = 0

    def count(execute, sql, params, many, context):
        nonlocal writes
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes += 1
        return execute(sql, params, many, context)

    adapter = SeventeenTrack(api_key=key, base_url=base_url)
    adapter.code = PROVIDER
    adapter.rate_per_second = rate
    with connection.execute_wrapper(count):
        result = poll_due(adapter, limit=10**9)
    connections.close_all()
    results.put((result.asked, writes))


def benchmark_tracking(*, packages: int, workers: int = 2) -> TrackingTiming:
    rate = settings.TRACKING_SIMULATOR_RATE
    key = "benchmark-key"
    server, carrier = simulator_server(api_key=key, speed=1.0, rate_limit=rate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    base_url = f"http://{host}:{port}/track/v2.2"
    _clean()
    try:
        _make_packages(packages)
        started = timezone.now()
        for i in range(packages):  # registered over the last three days: parcels at all stages
            carrier.register(f"{PREFIX}{i:010d}")
            carrier.parcels[f"{PREFIX}{i:010d}"].registered_at = started - timedelta(
                minutes=(i * 37) % (3 * 24 * 60)
            )
        carrier.rate.requests = 0
        connections.close_all()
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        processes = [
            context.Process(target=_worker, args=(base_url, key, rate, results))
            for _ in range(workers)
        ]
        began = time.perf_counter()
        for process in processes:
            process.start()
        outcomes = [results.get() for _ in processes]
        for process in processes:
            process.join()
        seconds = time.perf_counter() - began
        return TrackingTiming(
            packages=sum(asked for asked, _ in outcomes),
            workers=workers,
            seconds=seconds,
            requests=carrier.rate.requests,
            refused=carrier.rate.refused,
            rate_limit=rate,
            writes=sum(writes for _, writes in outcomes),
        )
    finally:
        server.shutdown()
        server.server_close()
        _clean()


def render_tracking_markdown(t: TrackingTiming) -> str:
    return "\n".join(
        [
            f"Tracking poll: {t.packages:,} due packages, {t.workers} worker processes, "
            "local simulated carrier (17TRACK protocol).",
            "",
            "| one full cycle | provider calls | calls/s (limit) | refused (429) "
            "| database writes per package |",
            "|---|---|---|---|---|",
            f"| {t.seconds:.1f} s | {t.requests:,} | {t.per_second:.1f} ({t.rate_limit:g}) | "
            f"{t.refused} | {t.writes / max(t.packages, 1):.2f} |",
        ]
    )
