"""A real Celery worker killed in the middle of a window (PostgreSQL): what it stored stays,
the cursor and the job have not moved, and the next run stores every order once."""

import time

import pytest
from django.core.cache import cache

from orders.models import Order, OrderEvent
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.orders.tiktok_objects import tiktok_order
from tests.tiktok.conftest import TOKEN_KEY
from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, SHOP
from tiktok.models import SyncJob, TikTokConnection
from tiktok.services.sync import connection_sync
from tiktok.services.tokens import connection_authorize
from tiktok.tasks import tiktok_sync_shop

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "tiktok-sync-doomed"


def test_a_worker_killed_mid_window_loses_nothing_and_doubles_nothing(
    postgres, shop, tiktok_settings, api, tiktok, settings
):
    settings.TIKTOK_BACKFILL_DAYS = 1
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    connection.tiktok_shop_id, connection.shop_cipher = SHOP["id"], SHOP["cipher"]
    connection.save()
    now = int(time.time())
    tiktok.orders_set(
        *(
            {**tiktok_order(f"5764863169484{n:05d}"), "update_time": now - 3000 + n}
            for n in range(150)
        )
    )
    tiktok.slow_pages["100"] = 120  # the second page never comes in time
    env = {
        "TIKTOK_APP_KEY": APP_KEY,
        "TIKTOK_APP_SECRET": APP_SECRET,
        "TIKTOK_API_HOST": tiktok.url,
        "TIKTOK_AUTH_HOST": tiktok.url,
        "TIKTOK_TOKEN_KEYS": TOKEN_KEY,
        "TIKTOK_TIMEOUT_SECONDS": "300",
        "TIKTOK_BACKFILL_DAYS": "1",
        "TIKTOK_SYNC_LOCK_SECONDS": "3",
        "TIKTOK_SYNC_BATCH_ORDERS": "100",  # the first page is stored before the second hangs
    }
    cache.clear()
    worker = start_worker(queues=QUEUE, name="tiktok-doomed", env=env)
    try:
        wait_until_ready(worker, queue=QUEUE)
        tiktok_sync_shop.apply_async(args=[connection.pk], queue=QUEUE)
        deadline = time.monotonic() + 60
        while Order.objects.count() < 100:
            require(worker.poll() is None, "the worker to keep running")
            assert time.monotonic() < deadline, "the worker stored nothing"
            time.sleep(0.1)
        worker.kill()  # SIGKILL, waiting on page two: no clean-up of any kind
        worker.wait(timeout=10)
    finally:
        stop_worker(worker)

    assert Order.objects.count() == 100
    job = SyncJob.objects.get()
    assert (job.state, job.position) == (SyncJob.State.RUNNING, job.since)
    assert TikTokConnection.objects.get(pk=connection.pk).sync_cursor is None

    tiktok.slow_pages.clear()
    time.sleep(3.5)  # the dead worker's lock expires
    report = connection_sync(connection_id=connection.pk, client=api)

    assert (report.orders.created, report.orders.unchanged) == (50, 100)
    assert Order.objects.count() == 150
    assert OrderEvent.objects.count() == 150
    job.refresh_from_db()
    assert job.state == SyncJob.State.DONE
