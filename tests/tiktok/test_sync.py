"""Incremental sync against the fake TikTok over real HTTP: back-fill as a job, windows with an
overlap, a run that stops halfway and is run again, token expiry, rate limits, older updates
and bad orders (tiktok/services/sync.py)."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from orders.models import Order, OrderEvent
from orders.statuses import OrderStatus
from tests.orders.tiktok_objects import T0, shipped, tiktok_order
from tests.tiktok.fake_tiktok import ORDER_DETAIL, ORDER_SEARCH, SHOP, fail
from tiktok.models import ConnectionState, SyncJob, TikTokConnection
from tiktok.selectors import sync_job_latest
from tiktok.services import order_details as order_details_module
from tiktok.services.sync import SyncLock, connection_sync, connections_sync_due
from tiktok.services.tokens import connection_authorize

pytestmark = pytest.mark.django_db
TOKEN_REFRESH = "/api/v2/token/refresh"


@pytest.fixture(autouse=True)
def no_locks_left():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def connection(shop, tiktok_settings, api):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    connection.tiktok_shop_id, connection.shop_cipher = SHOP["id"], SHOP["cipher"]
    connection.save()
    return connection


def order_id(n: int) -> str:
    return f"5764863169484{n:05d}"


def orders(count: int, *, start: int = 0, spacing: int = 60, **extra) -> list[dict]:
    """`count` orders updated `spacing` seconds apart from T0 + 1 h."""
    return [
        tiktok_order(order_id(start + n), update=(start + n) * spacing, **extra)
        for n in range(count)
    ]


def run(connection, api, **options):
    return connection_sync(connection_id=connection.pk, client=api, **options)


def stored(connection) -> TikTokConnection:
    return TikTokConnection.objects.get(pk=connection.pk)


def searched_windows(tiktok) -> list[tuple[int, int]]:
    bodies = [json.loads(call["body"]) for call in tiktok.calls(ORDER_SEARCH)]
    return [(body["update_time_ge"], body["update_time_lt"]) for body in bodies]


def one_event_each(ids) -> bool:
    counts = [OrderEvent.objects.filter(order__order_id=i).count() for i in ids]
    return counts == [1] * len(ids)


# --- Back-fill --------------------------------------------------------------------------------


def test_the_first_sync_back_fills_the_period_as_a_job(connection, api, tiktok, settings):
    settings.TIKTOK_BACKFILL_DAYS = 60
    too_old = tiktok_order(order_id(999), update=0)
    too_old["create_time"] = too_old["update_time"] = T0 - 40 * 86400  # 70 days ago
    tiktok.orders_set(*orders(230), too_old)

    report = run(connection, api)

    assert (report.orders.created, report.error) == (230, "")
    assert Order.objects.filter(shop=connection.shop).count() == 230
    job = SyncJob.objects.get()
    assert (job.kind, job.state, job.progress) == (SyncJob.Kind.BACKFILL, SyncJob.State.DONE, 1.0)
    assert job.orders_stored == 230
    assert timezone.now() - job.since - timedelta(days=60) < timedelta(minutes=1)
    pages = [call["query"] for call in tiktok.calls(ORDER_SEARCH)]
    assert {page["page_size"] for page in pages} == {"100"}
    assert {page["sort_field"] for page in pages} == {"update_time"}
    assert sum(1 for page in pages if page.get("page_token")) == 2  # 230 orders: 3 pages
    details = [call["query"]["ids"].split(",") for call in tiktok.calls(ORDER_DETAIL)]
    assert max(len(ids) for ids in details) == 50 and sum(map(len, details)) == 230
    after = stored(connection)
    assert after.sync_cursor >= job.until and after.last_synced_at is not None


def test_windows_are_sized_by_what_the_one_before_held(connection, api, tiktok, settings):
    """The first lasts TIKTOK_SYNC_WINDOW_HOURS; each next one is the last stretched or shrunk
    towards TIKTOK_SYNC_WINDOW_ORDERS orders, by at most four times either way."""
    settings.TIKTOK_SYNC_WINDOW_ORDERS = 50
    objects = orders(230)  # 230 orders in four hours a month ago, nothing else
    tiktok.orders_set(*objects)

    run(connection, api)

    windows = list(dict.fromkeys(searched_windows(tiktok)))  # a window's pages search alike
    job = SyncJob.objects.get()
    last = next(n for n, (_, lt) in enumerate(windows) if lt >= int(job.until.timestamp()))
    backfill = windows[: last + 1]  # then the cursor's windows
    assert backfill[0] == (int(job.since.timestamp()), int(job.since.timestamp()) + 24 * 3600)
    assert all(a[1] == b[0] for a, b in zip(backfill, backfill[1:], strict=False))
    for (ge, lt), (next_ge, next_lt) in zip(backfill, backfill[1:-1], strict=False):
        held = sum(1 for obj in objects if ge <= obj["update_time"] < lt)
        factor = min(max(50 / max(held, 1), 0.25), 4)
        assert next_lt - next_ge == pytest.approx((lt - ge) * factor, abs=1)
    assert len(backfill) < 10  # 90 days, mostly empty: a few searches, not one a day


def test_a_back_fill_that_stopped_is_taken_up_where_it_stopped(connection, api, tiktok):
    tiktok.orders_set(*orders(3, spacing=3 * 86400))  # one order every three days
    tiktok.reply(ORDER_SEARCH, fail(36009003, "internal error"), status=503, times=10)

    first = run(connection, api)

    assert first.error and Order.objects.count() == 0
    job = SyncJob.objects.get()
    assert job.state == SyncJob.State.RUNNING and job.progress == 0.0
    assert stored(connection).sync_cursor is None
    assert "internal error" in stored(connection).last_error

    tiktok.queued.clear()
    second = run(connection, api)

    assert (second.error, second.orders.created) == ("", 3)
    job.refresh_from_db()
    assert job.state == SyncJob.State.DONE and SyncJob.objects.count() == 1


# --- Incremental windows ----------------------------------------------------------------------


def synced_once(connection, api, tiktok, objects):
    """A first sync done; the fake forgets what it was asked."""
    tiktok.orders_set(*objects)
    run(connection, api)
    tiktok.requests.clear()


def test_a_later_sync_reads_from_the_cursor_less_the_overlap(connection, api, tiktok, settings):
    settings.TIKTOK_SYNC_OVERLAP_SECONDS = 600
    synced_once(connection, api, tiktok, orders(2))
    cursor = stored(connection).sync_cursor

    run(connection, api)

    (window,) = searched_windows(tiktok)
    assert window[0] == int((cursor - timedelta(seconds=600)).timestamp())
    assert stored(connection).sync_cursor > cursor


def test_an_order_updated_inside_the_overlap_is_stored_once(connection, api, tiktok, settings):
    now = int(timezone.now().timestamp())
    recent = tiktok_order(order_id(1), update=0)
    recent["update_time"] = now - 120  # two minutes ago: inside the next run's overlap
    late = tiktok_order(order_id(2), update=0)
    late["update_time"] = now - 60  # updated before the cursor, but not searchable yet
    tiktok.unseen.add(order_id(2))
    synced_once(connection, api, tiktok, [recent, late])
    assert not Order.objects.filter(order_id=order_id(2)).exists()

    tiktok.unseen.clear()
    report = run(connection, api)

    assert (report.orders.created, report.orders.unchanged) == (1, 1)
    assert Order.objects.filter(order_id=order_id(1)).count() == 1
    assert one_event_each([order_id(1), order_id(2)])


def test_a_change_since_the_last_sync_moves_the_order(connection, api, tiktok):
    now = int(timezone.now().timestamp())
    synced_once(connection, api, tiktok, [tiktok_order(order_id(1))])
    moved = shipped(tiktok_order(order_id(1)))
    moved["update_time"] = now - 5
    tiktok.orders_set(moved)

    report = run(connection, api)

    assert report.orders.updated == 1
    assert Order.objects.get(order_id=order_id(1)).status == OrderStatus.IN_TRANSIT


# --- A run that stops halfway -----------------------------------------------------------------


def test_a_crash_after_the_first_page_moves_nothing_and_the_rerun_stores_once(
    connection, api, tiktok, monkeypatch, settings
):
    settings.TIKTOK_SYNC_OVERLAP_SECONDS = 3600
    synced_once(connection, api, tiktok, [])
    cursor = stored(connection).sync_cursor
    recent = orders(150, spacing=10)  # two pages in the next window, searchable only now
    for obj in recent:
        obj["update_time"] += int(cursor.timestamp()) - 2000 - (T0 + 3600)
    tiktok.orders_set(*recent)
    real, calls = order_details_module.tiktok_orders_upsert, []

    def dies_after_the_first_page(**kwargs):
        if len(calls) == 1:  # the first page is stored (its two detail calls, one batch)
            raise RuntimeError("worker killed")
        calls.append(kwargs)
        return real(**kwargs)

    settings.TIKTOK_SYNC_BATCH_ORDERS = 100  # a page a transaction
    monkeypatch.setattr(order_details_module, "tiktok_orders_upsert", dies_after_the_first_page)
    with pytest.raises(RuntimeError):
        run(connection, api)

    assert Order.objects.count() == 100
    assert stored(connection).sync_cursor == cursor
    assert cache.get(f"tiktok:sync-lock:{connection.pk}") is None  # the lock went with it

    monkeypatch.setattr(order_details_module, "tiktok_orders_upsert", real)
    report = run(connection, api)

    assert (report.orders.created, report.orders.unchanged) == (50, 100)
    assert Order.objects.count() == 150
    assert one_event_each([order_id(n) for n in range(150)])
    assert stored(connection).sync_cursor > cursor


def test_a_crash_in_a_back_fill_leaves_the_job_at_the_window_it_was_in(
    connection, api, tiktok, monkeypatch
):
    tiktok.orders_set(*orders(3))
    monkeypatch.setattr(order_details_module, "tiktok_orders_upsert", _dies)
    with pytest.raises(RuntimeError):
        run(connection, api)

    job = sync_job_latest(connection=connection)
    first = datetime.fromtimestamp(T0 + 3600, UTC)
    assert job.state == SyncJob.State.RUNNING
    assert job.since < job.position <= first  # the windows before the order's are done
    assert 0 < job.progress < 1
    assert stored(connection).sync_cursor == job.position

    monkeypatch.undo()
    assert run(connection, api).orders.created == 3
    job.refresh_from_db()
    assert job.state == SyncJob.State.DONE


def _dies(**kwargs):
    raise RuntimeError("worker killed")


# --- Tokens and rate limits -------------------------------------------------------------------


def test_an_access_token_expiring_mid_sync_is_refreshed_once(connection, api, tiktok):
    tiktok.orders_set(*orders(3))
    tiktok.reply(ORDER_DETAIL, fail(105002, "Expired credentials."), status=401)

    report = run(connection, api)

    assert (report.orders.created, report.error) == (3, "")
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1
    assert stored(connection).access_token == "TTP_access_token_two"
    assert tiktok.calls(ORDER_DETAIL)[-1]["headers"]["x-tts-access-token"] == (
        "TTP_access_token_two"
    )


def test_a_token_still_expired_after_refresh_stops_the_sync_and_marks_the_connection(
    connection, api, tiktok
):
    tiktok.orders_set(*orders(3))
    tiktok.reply(ORDER_SEARCH, fail(105002, "Expired credentials."), status=401, times=2)

    report = run(connection, api)

    assert report.error and Order.objects.count() == 0
    after = stored(connection)
    assert after.state == ConnectionState.NEEDS_REAUTHORIZATION and after.sync_cursor is None


def test_a_rate_limit_is_waited_out_then_the_sync_goes_on(connection, api, tiktok, sleeps):
    tiktok.orders_set(*orders(3))
    too_many = fail(36009002, "Too many requests")
    tiktok.reply(ORDER_SEARCH, too_many, status=429, headers={"Retry-After": "2"})
    tiktok.reply(ORDER_DETAIL, too_many, status=429)

    report = run(connection, api)

    assert (report.orders.created, report.error) == (3, "")
    assert 2.0 in sleeps and len(sleeps) == 2


# --- What is stored ---------------------------------------------------------------------------


def test_an_older_update_from_tiktok_is_ignored(connection, api, tiktok, shop):
    from orders.services.tiktok_upsert import tiktok_orders_upsert

    newer = shipped(tiktok_order(order_id(1), update=600))
    tiktok_orders_upsert(shop=shop, objects=[newer], source="sync")
    tiktok.orders_set(tiktok_order(order_id(1), update=0))

    report = run(connection, api)

    assert report.orders.older == 1
    assert Order.objects.get(order_id=order_id(1)).status == OrderStatus.IN_TRANSIT


def test_a_bad_order_is_skipped_and_the_rest_of_the_window_lands(connection, api, tiktok, caplog):
    bad = tiktok_order(order_id(2), update=60, status="TELEPORTED")
    tiktok.orders_set(tiktok_order(order_id(1)), bad, tiktok_order(order_id(3), update=120))

    with caplog.at_level(logging.WARNING):
        report = run(connection, api)

    assert (report.orders.created, len(report.orders.refused)) == (2, 1)
    assert not Order.objects.filter(order_id=order_id(2)).exists()
    after = stored(connection)
    assert after.sync_cursor is not None  # the window committed
    assert order_id(2) in after.last_error and "unknown status" in after.last_error
    assert f"shop {connection.shop.slug}, order {order_id(2)}" in caplog.text
    assert SyncJob.objects.get().orders_refused == 1


def test_a_resync_reads_again_from_the_date_without_moving_the_cursor_back(connection, api, tiktok):
    synced_once(connection, api, tiktok, orders(2))
    cursor = stored(connection).sync_cursor
    since = datetime.fromtimestamp(T0, UTC)

    report = run(connection, api, since=since.isoformat())

    assert report.orders.unchanged == 2
    assert searched_windows(tiktok)[0][0] == T0
    job = SyncJob.objects.filter(kind=SyncJob.Kind.RESYNC).get()
    assert job.state == SyncJob.State.DONE
    assert stored(connection).sync_cursor >= cursor


# --- One sync per shop, and the beat ------------------------------------------------------------


def test_a_sync_is_skipped_while_another_runs_for_the_shop(connection, api, tiktok):
    tiktok.orders_set(*orders(2))
    other = SyncLock(connection.pk)
    assert other.acquire()

    report = run(connection, api)

    assert report.skipped and not tiktok.calls(ORDER_SEARCH)
    other.release()
    assert run(connection, api).orders.created == 2


def test_the_beat_queues_each_shop_due_once(connection, monkeypatch, other_shop, api):
    queued = []
    monkeypatch.setattr("tiktok.tasks.tiktok_sync_shop.delay", queued.append)
    fresh = connection_authorize(shop=other_shop, auth_code="ROW_code", client=api)
    fresh.tiktok_shop_id, fresh.last_synced_at = "7000714532876273999", timezone.now()
    fresh.save()

    assert connections_sync_due() == {"queued": 1, "running": 0}
    assert connections_sync_due() == {"queued": 0, "running": 0}  # queued, not yet started
    assert queued == [connection.pk]


def test_the_beat_leaves_a_running_sync_and_unlinked_or_revoked_shops(
    connection, monkeypatch, other_shop, api
):
    queued = []
    monkeypatch.setattr("tiktok.tasks.tiktok_sync_shop.delay", queued.append)
    unlinked = connection_authorize(shop=other_shop, auth_code="ROW_code", client=api)
    assert unlinked.tiktok_shop_id == ""
    SyncLock(connection.pk).acquire()

    assert connections_sync_due() == {"queued": 0, "running": 1}
    TikTokConnection.objects.filter(pk=connection.pk).update(state=ConnectionState.REVOKED)
    cache.clear()
    assert connections_sync_due() == {"queued": 0, "running": 0}
    assert queued == []


def test_the_beat_task_syncs_due_shops_through_the_registered_task(connection, tiktok, settings):
    from celery import current_app

    from tiktok.tasks import tiktok_sync_due

    tiktok.orders_set(*orders(2))
    current_app.conf.task_always_eager = True
    try:
        assert tiktok_sync_due() == {"queued": 1, "running": 0}
    finally:
        current_app.conf.task_always_eager = False
    assert Order.objects.filter(shop=connection.shop).count() == 2
    assert settings.CELERY_BEAT_SCHEDULE["tiktok-sync-due"]["schedule"] == 60.0


def test_without_an_app_key_the_beat_queues_nothing(connection, monkeypatch, settings):
    from tiktok.tasks import tiktok_sync_due

    queued = []
    monkeypatch.setattr("tiktok.tasks.tiktok_sync_shop.delay", queued.append)
    settings.TIKTOK_APP_KEY = ""

    assert tiktok_sync_due() == {"skipped": "TIKTOK_APP_KEY is not set"}
    assert queued == []


def test_sync_now_and_resync_queue_the_task_by_name_after_the_commit(
    connection, monkeypatch, django_capture_on_commit_callbacks
):
    from tiktok.services.sync import connection_sync_start

    queued = []
    monkeypatch.setattr("tiktok.tasks.tiktok_sync_shop.delay", lambda *a: queued.append(a))
    since = datetime(2026, 1, 5, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        connection_sync_start(connection=connection)
        connection_sync_start(connection=connection, since=since)
        assert queued == []

    assert queued == [(connection.pk, None), (connection.pk, "2026-01-05T00:00:00+00:00")]


def test_a_resync_replacing_a_stopped_back_fill_reads_what_it_had_left(
    connection, api, tiktok, monkeypatch
):
    tiktok.orders_set(*orders(3))  # a month ago, within the back-fill
    monkeypatch.setattr(order_details_module, "tiktok_orders_upsert", _dies)
    with pytest.raises(RuntimeError):
        run(connection, api)
    monkeypatch.undo()
    backfill = SyncJob.objects.get()

    run(connection, api, since=timezone.now() - timedelta(days=2))

    backfill.refresh_from_db()
    resync = SyncJob.objects.get(kind=SyncJob.Kind.RESYNC)
    assert backfill.state == SyncJob.State.REPLACED
    assert resync.since == backfill.position and resync.state == SyncJob.State.DONE
    assert Order.objects.count() == 3


def test_a_connection_without_a_chosen_shop_is_not_synced(connection, api, tiktok):
    TikTokConnection.objects.filter(pk=connection.pk).update(tiktok_shop_id="")

    report = run(connection, api)

    assert report.skipped == "no TikTok shop is chosen" and not tiktok.calls(ORDER_SEARCH)
