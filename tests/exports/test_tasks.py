"""The export task's life cycle, run in-process: claim once, publish only a complete file,
recover jobs whose worker died, expire old files, and scheduled runs in the shop's zone."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from exports.models import ExportJob, ExportSchedule, ExportStatus
from exports.schedules import next_run_after, previous_period, schedules_run_due
from exports.tasks import export_expire, export_recover, export_run
from tests.orders.factories import OrderFactory

from .helpers import csv_rows, make_job

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def test_run_publishes_the_file_with_its_checksum(admin, shop):
    OrderFactory.create_batch(3, shop=shop)
    job = make_job(admin, [shop], status=ExportStatus.QUEUED)
    assert export_run(job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    data = job.file.read()
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    assert job.size_bytes == len(data)
    assert job.rows_done == job.rows_total == len(csv_rows(data)) - 1 > 0
    assert job.file_name.startswith("north-shop_order-sku-list_") and job.file_name.endswith(".csv")
    assert job.attempts == 1 and job.heartbeat_at and job.finished_at
    assert job.expires_at > timezone.now() + timedelta(days=29)


def test_a_second_delivery_does_nothing(admin, shop):
    job = make_job(admin, [shop])
    export_run(job.pk)
    first = ExportJob.objects.get(pk=job.pk)
    assert export_run(job.pk) == "not queued"
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.attempts, again.finished_at) == (
        first.file.name,
        1,
        first.finished_at,
    )


def test_a_cancelled_job_is_not_run(admin, shop):
    job = make_job(admin, [shop], status=ExportStatus.CANCELLED)
    assert export_run(job.pk) == "not queued"
    assert not ExportJob.objects.get(pk=job.pk).file


def test_a_failure_is_recorded_with_its_reason(shop, viewer):
    job = make_job(viewer, [shop])  # viewers may not export
    assert export_run(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert "no longer have the export permission" in job.error
    assert not job.file


def _stale_running(user, shop, attempts):
    long_ago = timezone.now() - timedelta(hours=1)
    return make_job(
        user,
        [shop],
        status=ExportStatus.RUNNING,
        attempts=attempts,
        heartbeat_at=long_ago,
        started_at=long_ago,
        rows_total=10,
        rows_done=4,
    )


def test_recover_requeues_a_job_whose_worker_died(admin, shop, django_capture_on_commit_callbacks):
    dead = _stale_running(admin, shop, attempts=1)
    alive = make_job(admin, [shop], status=ExportStatus.RUNNING, heartbeat_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert export_recover() == {"requeued": 1, "failed": 0}
    assert len(callbacks) == 1  # the task is sent again once the requeue commits
    dead.refresh_from_db()
    assert (dead.status, dead.rows_done) == (ExportStatus.QUEUED, 0)
    assert ExportJob.objects.get(pk=alive.pk).status == ExportStatus.RUNNING
    assert export_run(dead.pk) == ExportStatus.DONE


def test_recover_fails_a_job_after_too_many_attempts(admin, shop, settings):
    settings.EXPORT_MAX_ATTEMPTS = 3
    dead = _stale_running(admin, shop, attempts=3)
    assert export_recover() == {"requeued": 0, "failed": 1}
    dead.refresh_from_db()
    assert dead.status == ExportStatus.FAILED and "stopped 3 times" in dead.error


def test_expire_deletes_old_files_and_jobs(admin, shop):
    old = make_job(admin, [shop], status=ExportStatus.DONE)
    old.file.save("exports/old.csv", ContentFile(b"x"), save=False)
    old.expires_at = timezone.now() - timedelta(minutes=1)
    old.save()
    fresh = make_job(
        admin, [shop], status=ExportStatus.DONE, expires_at=timezone.now() + timedelta(days=1)
    )
    name = old.file.name
    assert default_storage.exists(name)
    assert export_expire() == 1
    assert not default_storage.exists(name)
    assert list(ExportJob.objects.all()) == [fresh]


# Schedules ------------------------------------------------------------------------------


def test_previous_periods_in_the_shop_zone():
    # 2026-12-01 07:30 UTC is still November 30 in Los Angeles.
    now = datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert previous_period("monthly", LA, now) == (
        datetime(2026, 10, 1).date(),
        datetime(2026, 10, 31).date(),
    )
    later = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert previous_period("monthly", LA, later) == (
        datetime(2026, 11, 1).date(),
        datetime(2026, 11, 30).date(),
    )
    assert previous_period("weekly", LA, later) == (
        datetime(2026, 11, 23).date(),
        datetime(2026, 11, 29).date(),
    )
    assert previous_period("quarterly", LA, later) == (
        datetime(2026, 7, 1).date(),
        datetime(2026, 9, 30).date(),
    )
    assert previous_period("daily", LA, later) == (datetime(2026, 11, 30).date(),) * 2


def test_next_run_is_0100_shop_time_on_the_first_day():
    now = datetime(2026, 11, 15, 12, tzinfo=LA)
    assert next_run_after("monthly", LA, now) == datetime(2026, 12, 1, 1, tzinfo=LA)
    assert next_run_after("quarterly", LA, now) == datetime(2027, 1, 1, 1, tzinfo=LA)
    assert next_run_after("weekly", LA, now) == datetime(2026, 11, 16, 1, tzinfo=LA)
    assert next_run_after("daily", LA, datetime(2026, 11, 15, 0, 30, tzinfo=LA)) == datetime(
        2026, 11, 15, 1, tzinfo=LA
    )
    # Across the change to summer time the run is still at 01:00 local.
    assert next_run_after(
        "daily", LA, datetime(2026, 3, 8, 1, 30, tzinfo=LA)
    ).utcoffset() == timedelta(hours=-7)


def _schedule(owner, shop, **fields):
    fields.setdefault("next_run_at", datetime(2026, 12, 1, 1, tzinfo=LA))
    return ExportSchedule.objects.create(
        owner=owner,
        shop=shop,
        name="Monthly books",
        query_string="status=COMPLETED&period=last_7d",
        format="xlsx",
        template="orders",
        frequency="monthly",
        **fields,
    )


def test_due_schedule_exports_last_month_and_emails(
    accountant, shop, django_capture_on_commit_callbacks
):
    schedule = _schedule(accountant, shop)
    OrderFactory(
        shop=shop, status="COMPLETED", create_time=datetime(2026, 11, 30, 23, 30, tzinfo=LA)
    )
    OrderFactory(shop=shop, status="COMPLETED", create_time=datetime(2026, 12, 1, 0, 30, tzinfo=LA))
    before = datetime(2026, 12, 1, 0, 59, tzinfo=LA)
    assert schedules_run_due(before) == 0
    with django_capture_on_commit_callbacks(execute=False):
        assert schedules_run_due(datetime(2026, 12, 1, 1, 0, tzinfo=LA)) == 1
    job = ExportJob.objects.get()
    assert job.schedule == schedule and job.format == "xlsx"
    assert "date_from=2026-11-01" in job.query_string and "date_to=2026-11-30" in job.query_string
    assert "period" not in job.query_string and "status=COMPLETED" in job.query_string
    schedule.refresh_from_db()
    assert schedule.next_run_at == datetime(2027, 1, 1, 1, tzinfo=LA)
    assert export_run(job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    assert job.rows_total == 1  # the 23:30 order of November 30, not the December one
    (message,) = mail.outbox
    assert message.to == [accountant.email] and "ready" in message.subject
    assert f"/exports/{job.pk}/" in message.body


def test_schedule_whose_owner_lost_the_permission_fails_by_email(
    viewer, shop, django_capture_on_commit_callbacks
):
    _schedule(viewer, shop)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules_run_due(datetime(2026, 12, 1, 2, tzinfo=LA)) == 1
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and "export permission" in job.error
    (message,) = mail.outbox
    assert "failed" in message.subject


def test_recover_resends_a_job_queued_too_long(admin, shop, monkeypatch):
    sent = []
    monkeypatch.setattr("exports.tasks.export_run.delay", sent.append)
    waiting = make_job(admin, [shop], status=ExportStatus.QUEUED)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = make_job(admin, [shop], status=ExportStatus.QUEUED)
    export_recover()
    assert sent == [waiting.pk] and fresh.pk not in sent
