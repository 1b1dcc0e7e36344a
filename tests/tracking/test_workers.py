"""Two real Celery workers poll the simulated carrier: together they keep to its rate limit,
and every package is asked about exactly once (Redis in CI)."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from demo.carrier_simulator import simulator_server
from orders.models import Package
from orders.statuses import OrderStatus, TrackingStatus
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.orders.factories import OrderFactory
from tracking.services.poll import packages_claim
from tracking.tasks import tracking_poll_batch

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
KEY = "two-workers-key"
QUEUE = "tracking-two-workers"


def test_two_workers_share_the_providers_rate_limit(shop):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), which the workers' limiter shares")
    # The workers may make 3 calls/s together; the carrier refuses a fourth within a second.
    server, carrier = simulator_server(api_key=KEY, speed=1.0, rate_limit=4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    order.packages.all().delete()
    numbers = [f"SIMW{i:08d}" for i in range(320)]  # 8 calls of 40
    Package.objects.bulk_create(
        Package(
            order=order,
            tracking_number=number,
            tracking_provider="simulator",
            next_poll_at=timezone.now() - timedelta(minutes=1),
        )
        for number in numbers
    )
    for number in numbers:
        carrier.register(number)
    env = {
        "TRACKING_SIMULATOR_URL": f"http://{host}:{port}/track/v2.2",
        "TRACKING_SIMULATOR_KEY": KEY,
        "TRACKING_SIMULATOR_RATE": "3",  # what the workers allow themselves, together
    }
    workers = [start_worker(queues=QUEUE, name=f"tracker{i}", env=env) for i in (1, 2)]
    try:
        for worker in workers:
            wait_until_ready(worker, queue=QUEUE)
        started = time.monotonic()
        while rows := packages_claim("simulator", 40, timezone.now()):
            tracking_poll_batch.apply_async(
                args=["simulator", [list(r) for r in rows]], queue=QUEUE
            )
        deadline = time.monotonic() + 60
        waiting = Package.objects.filter(tracking_status=TrackingStatus.PENDING, poll_failures=0)
        while waiting.exists():  # answered, or failed (a refusal) and backed off
            assert time.monotonic() < deadline, "the workers did not finish"
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            stop_worker(worker)
        server.shutdown()
        server.server_close()
    assert carrier.rate.refused == 0  # never above the carrier's limit
    assert elapsed >= 7 / 3  # eight calls at 3/s take at least 7/3 s, whichever worker made them
    assert not Package.objects.filter(poll_failures__gt=0).exists()
    assert set(Package.objects.values_list("tracking_status", flat=True)) == {
        TrackingStatus.INFO_RECEIVED
    }
