"""Incremental sync of a connected shop's orders: TikTok's orders updated since the cursor,
window by window, stored through the one mapping (orders.services.tiktok_upsert).

A window is [ge, lt) of `update_time`: searched 100 a page (ascending, with page_token), the
details fetched 50 at a time and stored TIKTOK_SYNC_BATCH_ORDERS (five pages) a transaction,
the window's last batch being what is left; fewer, larger transactions are much of what a
back-fill gained (docs/benchmarks.md). The shop's cursor (and a job's position) moves to `lt`
only once every batch of the window is stored, so a run that stops halfway (a crash, a killed
worker, TikTok down) is run again from the same place: what it had stored is found identical
and changes nothing, what it had not is stored then.
A run starts TIKTOK_SYNC_OVERLAP_SECONDS before the cursor, because TikTok says an order's
update may show up outside the window asked for. Windows are sized by what they hold: the
first lasts TIKTOK_SYNC_WINDOW_HOURS, each next one is stretched or shrunk so that it would
have held about TIKTOK_SYNC_WINDOW_ORDERS, so a quiet back-fill is a few searches and a busy
one never puts more than a few thousand orders behind one cursor step.
docs/decisions.md "TikTok sync".
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.enqueue import registered_task
from orders.services.tiktok_upsert import UpsertReport
from tiktok.client import ORDER_SEARCH_MAX_PAGE, TikTokClient
from tiktok.exceptions import ConnectionUnusable, TikTokError
from tiktok.models import ConnectionState, SyncJob, TikTokConnection
from tiktok.services.connections import connection_error_record, connection_unusable
from tiktok.services.order_details import SOURCE, order_details_store
from tiktok.services.request_sync import requests_window_store
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
SYNC_TASK = "tiktok.tasks.tiktok_sync_shop"  # the task's registered name
__all__ = ["SOURCE", "order_details_store"]  # for the modules that import them from here


def _lock_key(connection_id: int) -> str:
    return f"tiktok:sync-lock:{connection_id}"


def _queued_key(connection_id: int) -> str:
    return f"tiktok:sync-queued:{connection_id}"


class SyncLock:
    """One sync per shop at a time, across workers: a cache key only its holder deletes,
    kept alive window by window, expiring on its own when a killed worker left it."""

    def __init__(self, connection_id: int):
        self.key, self.token = _lock_key(connection_id), uuid.uuid4().hex

    def acquire(self) -> bool:
        return cache.add(self.key, self.token, timeout=settings.TIKTOK_SYNC_LOCK_SECONDS)

    def keep(self) -> None:
        cache.touch(self.key, timeout=settings.TIKTOK_SYNC_LOCK_SECONDS)

    def release(self) -> None:
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


@dataclass
class SyncReport:
    windows: int = 0
    pages: int = 0
    orders: UpsertReport = field(default_factory=UpsertReport)
    skipped: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "windows": self.windows,
            "pages": self.pages,
            **self.orders.as_dict(),
            **({"skipped": self.skipped} if self.skipped else {}),
            **({"error": self.error} if self.error else {}),
        }


WINDOW_MIN = timedelta(minutes=1)
WINDOW_CHANGE_MAX = 4  # a window is at most this many times longer or shorter than the last


def window_next(length: timedelta, found: int) -> timedelta:
    """The next window's length: the last one's, stretched or shrunk so that it would have
    held about TIKTOK_SYNC_WINDOW_ORDERS, by at most WINDOW_CHANGE_MAX either way, never
    shorter than WINDOW_MIN nor longer than the back-fill."""
    factor = settings.TIKTOK_SYNC_WINDOW_ORDERS / max(found, 1)
    factor = min(max(factor, 1 / WINDOW_CHANGE_MAX), WINDOW_CHANGE_MAX)
    longest = timedelta(days=settings.TIKTOK_BACKFILL_DAYS)
    return min(max(length * factor, WINDOW_MIN), longest)


def connection_sync(
    *,
    connection_id: int,
    since: datetime | str | None = None,
    client: TikTokClient | None = None,
) -> SyncReport:
    """Bring the shop's orders up to date with TikTok; with `since`, read again every order
    updated from then on (a re-sync job). Skipped while another sync of the shop runs."""
    if isinstance(since, str):
        since = parse_datetime(since)
    report = SyncReport()
    cache.delete(_queued_key(connection_id))
    lock = SyncLock(connection_id)
    if not lock.acquire():
        report.skipped = "a sync of this shop is running"
        return report
    try:
        connection = (
            TikTokConnection.objects.select_related("shop").filter(pk=connection_id).first()
        )
        report.skipped = connection_unusable(connection)
        if not report.skipped:
            _run(connection, client or TikTokClient.from_settings(), since, report, lock)
    finally:
        lock.release()
    return report


def _run(connection, client, since, report: SyncReport, lock: SyncLock) -> None:
    try:
        job = _job_for(connection, since, timezone.now())
        if job is not None:
            _windows(connection, client, job.position, job.until, report, lock, job)
            _job_done(job)
        connection.refresh_from_db(fields=["sync_cursor"])
        overlap = timedelta(seconds=settings.TIKTOK_SYNC_OVERLAP_SECONDS)
        ge = connection.sync_cursor - overlap
        _windows(connection, client, ge, timezone.now(), report, lock, None)
    except ConnectionUnusable as error:  # marked by connection_call, audited there
        report.error = str(error)
    except TikTokError as error:
        log.warning("tiktok sync of shop %s stopped: %s", connection.shop.slug, error)
        connection_error_record(connection=connection, error=error)
        report.error = str(error)


def _job_for(connection: TikTokConnection, since: datetime | None, now: datetime):
    """The job this run works on: a new re-sync from `since`, the one still running, or a
    back-fill when the shop was never synced; None when only the cursor moves on."""
    running = connection.sync_jobs.filter(state=SyncJob.State.RUNNING).first()
    if since is None and (running or connection.sync_cursor):
        return running
    if since is None:
        kind, since = SyncJob.Kind.BACKFILL, now - timedelta(days=settings.TIKTOK_BACKFILL_DAYS)
    else:  # a re-sync also covers what a job it replaces had still to read
        kind, since = SyncJob.Kind.RESYNC, min(since, now, *([running.position] if running else []))
    with transaction.atomic():
        if running:
            running.state, running.finished_at = SyncJob.State.REPLACED, now
            running.save(update_fields=["state", "finished_at"])
        return SyncJob.objects.create(
            connection=connection, kind=kind, since=since, until=now, position=since
        )


def _job_done(job: SyncJob) -> None:
    job.state, job.finished_at = SyncJob.State.DONE, timezone.now()
    job.save(update_fields=["state", "finished_at"])


def _windows(connection, client, ge, lt, report: SyncReport, lock: SyncLock, job) -> None:
    """[ge, lt) window by window, each sized by what the one before it held."""
    length = timedelta(hours=settings.TIKTOK_SYNC_WINDOW_HOURS)
    while ge < lt:
        end = min(ge + length, lt)
        found = _window(connection, client, ge, end, report, lock, job)
        length = window_next(end - ge, found)
        ge = end


def _window(connection, client, ge, lt, report: SyncReport, lock: SyncLock, job) -> int:
    """Every order updated in [ge, lt), stored; then the cursor (or the job) moves to lt.
    Returns how many orders the window held."""
    stored = UpsertReport()
    found, ids = 0, []
    page_token = ""
    while True:
        page = connection_call(
            connection=connection,
            client=client,
            call=lambda access, token=page_token: client.search_orders(
                access_token=access,
                shop_cipher=connection.shop_cipher,
                update_time_ge=ge,
                update_time_lt=lt,
                page_size=ORDER_SEARCH_MAX_PAGE,
                page_token=token,
            ),
        )
        ids += dict.fromkeys(str(order.get("id") or "") for order in page.orders)
        page_token = page.next_page_token
        if len(ids) >= settings.TIKTOK_SYNC_BATCH_ORDERS or not page_token:
            stored.add(order_details_store(connection, client, ids))
            found, ids = found + len(ids), []
        report.pages += 1
        lock.keep()
        if not page_token:
            break
    requests_window_store(connection, client, ge, lt)  # buyers' requests of the same window
    _window_commit(connection, lt, stored, job)
    report.windows += 1
    report.orders.add(stored)
    return found


def _window_commit(connection, lt: datetime, stored: UpsertReport, job) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = TikTokConnection.objects.select_for_update().get(pk=connection.pk)
        cursor = max(locked.sync_cursor, lt) if locked.sync_cursor else lt
        TikTokConnection.objects.filter(pk=locked.pk).update(
            sync_cursor=cursor, last_synced_at=now, updated_at=now
        )
        if job is not None:
            SyncJob.objects.filter(pk=job.pk).update(
                position=lt,
                orders_stored=F("orders_stored") + stored.created + stored.updated,
                orders_refused=F("orders_refused") + len(stored.refused),
            )
            job.position = lt
    connection.sync_cursor, connection.last_synced_at = cursor, now
    if stored.refused:
        order_id, reason = stored.refused[0]
        more = f" (and {len(stored.refused) - 1} more)" if len(stored.refused) > 1 else ""
        connection_error_record(
            connection=connection, error=OrderNotStored(f"order {order_id}: {reason}{more}")
        )


class OrderNotStored(Exception):
    """An order TikTok sent that was refused (its reason is logged with the shop)."""


def connections_sync_due(*, now: datetime | None = None) -> dict:
    """Queue a sync of every connected shop not synced (nor failed) within the interval,
    unless one is queued or running already."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.TIKTOK_SYNC_INTERVAL_SECONDS)
    due = (
        TikTokConnection.objects.filter(state=ConnectionState.CONNECTED)
        .exclude(tiktok_shop_id="")
        .filter(Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=since))
        .filter(Q(last_error_at__isnull=True) | Q(last_error_at__lt=since))
        .values_list("pk", flat=True)
    )
    return connections_queue(list(due), SYNC_TASK, lock_key=_lock_key, queued_key=_queued_key)


def connections_queue(pks, task: str, *, lock_key, queued_key) -> dict:
    """Queue `task` for each connection, unless its run holds `lock_key(pk)` (running) or
    `queued_key(pk)` was set by an earlier beat (queued, not started)."""
    counts = {"queued": 0, "running": 0}
    for pk in pks:
        if cache.get(lock_key(pk)) is not None:
            counts["running"] += 1
        elif cache.add(queued_key(pk), 1, timeout=settings.TIKTOK_SYNC_LOCK_SECONDS):
            registered_task(task).delay(pk)
            counts["queued"] += 1
    return counts


def connection_sync_start(*, connection: TikTokConnection, since: datetime | None = None) -> None:
    """Queue a sync of the shop now ("Sync now"), or a re-sync from `since`, once committed."""
    since_text = since.isoformat() if since else None
    registered_task(SYNC_TASK).delay_on_commit(connection.pk, since_text)
