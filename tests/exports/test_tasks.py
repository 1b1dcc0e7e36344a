"""The export task's life cycle, run in-process: claim once, publish only a complete file,
recover jobs whose worker died, expire old files, and scheduled runs in the shop's zone."""

import hashlib
import io
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.heartbeat import last_beat
from exports.models import ExportJob, ExportSchedule, ExportStatus
from exports.schedules import next_run_after, previous_period, schedules_run_due
from exports.tasks import export_expire, export_recover, export_run
from tests.exports.helpers import csv_rows, make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture(autouse=True)
def _own_tmp_dir(settings, tmp_path):
    """Partial files of this test only (recovery deletes strays it finds)."""
    settings.EXPORT_TMP_DIR = tmp_path


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
        assert export_recover() == {"requeued": 1, "failed": 0, "resent": 0, "cleaned": 0}
    assert len(callbacks) == 1  # the task is sent again once the requeue commits
    dead.refresh_from_db()
    assert (dead.status, dead.rows_done) == (ExportStatus.QUEUED, 0)
    assert ExportJob.objects.get(pk=alive.pk).status == ExportStatus.RUNNING
    assert export_run(dead.pk) == ExportStatus.DONE


def test_recover_fails_a_job_after_too_many_attempts(admin, shop, settings):
    settings.EXPORT_MAX_ATTEMPTS = 3
    dead = _stale_running(admin, shop, attempts=3)
    assert export_recover() == {"requeued": 0, "failed": 1, "resent": 0, "cleaned": 0}
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


def test_a_job_silent_for_three_minutes_is_taken_for_dead_by_default(admin, shop):
    """The default timeout is tight (90 s): a killed worker's job does not sit for ten minutes."""
    three_minutes_ago = timezone.now() - timedelta(minutes=3)
    job = make_job(
        admin, [shop], status=ExportStatus.RUNNING, attempts=1, heartbeat_at=three_minutes_ago
    )
    assert export_recover()["requeued"] == 1
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.QUEUED


def test_a_job_whose_worker_still_beats_is_left_running(admin, shop):
    """A long batch (or storing a large file) writes no row for a while; the worker's
    heartbeat in the cache still says it is alive."""
    job = _stale_running(admin, shop, attempts=1)
    cache.set(f"exports:heartbeat:{job.pk}", time.time() - 2, timeout=600)
    assert export_recover()["requeued"] == 0
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING


def test_the_heartbeat_is_written_by_time_while_a_step_takes_long(
    admin, shop, settings, monkeypatch
):
    import exports.jobs as jobs

    settings.EXPORT_HEARTBEAT_SECONDS = 1  # a beat every sixth of it
    job = make_job(admin, [shop], status=ExportStatus.QUEUED)
    beats = []
    real = jobs.export_generate

    def slow_generate(job, path, **kwargs):
        beats.append(last_beat(f"exports:heartbeat:{job.pk}"))
        time.sleep(0.6)  # one long query, COPY or upload: no batch ends meanwhile
        beats.append(last_beat(f"exports:heartbeat:{job.pk}"))
        return real(job, path, **kwargs)

    monkeypatch.setattr(jobs, "export_generate", slow_generate)
    assert export_run(job.pk) == ExportStatus.DONE
    assert beats[0] and beats[1] and beats[1] - beats[0] >= timedelta(seconds=0.3)


def test_recover_deletes_the_partial_files_of_lost_attempts(admin, shop, tmp_path):
    dead = _stale_running(admin, shop, attempts=1)
    writing = make_job(
        admin, [shop], status=ExportStatus.RUNNING, attempts=2, heartbeat_at=timezone.now()
    )
    done = make_job(admin, [shop], status=ExportStatus.DONE, attempts=1)
    names = [
        f"export-{dead.pk}-1.part",  # its worker was killed
        f"export-{writing.pk}-1.part",  # left by the attempt before this one
        f"export-{writing.pk}-2.part",  # being written now
        f"export-{done.pk}-1.part",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"partial")
    assert export_recover() == {"requeued": 1, "failed": 0, "resent": 0, "cleaned": 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"export-{writing.pk}-2.part"]


def test_a_run_taken_over_by_a_restart_publishes_nothing(admin, shop, monkeypatch):
    """A worker taken for dead that was alive stops at its next batch without a file."""
    import exports.jobs as jobs

    OrderFactory.create_batch(2, shop=shop)
    job = make_job(admin, [shop], status=ExportStatus.QUEUED)
    real = jobs.export_generate

    def restarted_meanwhile(job, path, **kwargs):
        ExportJob.objects.filter(pk=job.pk).update(attempts=2)  # recovery + another worker
        return real(job, path, **kwargs)

    monkeypatch.setattr(jobs, "export_generate", restarted_meanwhile)
    assert export_run(job.pk) == "cancelled"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (ExportStatus.RUNNING, 2, "")
    # The heartbeat is the new attempt's now: the stopped run leaves it for recovery to read.
    assert last_beat(f"exports:heartbeat:{job.pk}") is not None


def test_export_recover_command_prints_what_it_did(admin, shop, settings):
    settings.EXPORT_MAX_ATTEMPTS = 2
    again = _stale_running(admin, shop, attempts=1)
    given_up = _stale_running(admin, shop, attempts=2)
    out = io.StringIO()
    call_command("export_recover", "--dry-run", stdout=out)
    assert f"would requeue export {again.pk}" in out.getvalue()
    assert ExportJob.objects.get(pk=again.pk).status == ExportStatus.RUNNING
    call_command("export_recover", stdout=(out := io.StringIO()))
    assert f"requeued export {again.pk}" in out.getvalue()
    assert f"failed export {given_up.pk}" in out.getvalue()
    assert "1 requeued, 1 failed, 0 resent" in out.getvalue()
    with pytest.raises(CommandError, match="--stale-after must be a whole number of seconds"):
        call_command("export_recover", "--stale-after", "-3")


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


def test_recover_resends_a_job_queued_too_long(
    admin, shop, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("exports.tasks.export_run.delay", sent.append)
    waiting = make_job(admin, [shop], status=ExportStatus.QUEUED)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = make_job(admin, [shop], status=ExportStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_recover()["resent"] == 1
        assert export_recover()["resent"] == 0  # not again before another timeout
    assert sent == [waiting.pk] and fresh.pk not in sent


def test_an_attempt_is_the_same_only_while_nobody_claimed_the_job_again(admin, shop):
    """The one rule imports and exports share for every write of a run or of recovery."""
    from accounts.heartbeat import same_attempt

    job = make_job(admin, [shop], status=ExportStatus.RUNNING, attempts=1)
    assert list(same_attempt(job, status=ExportStatus.RUNNING)) == [job]
    assert not same_attempt(job, status=ExportStatus.QUEUED).exists()
    ExportJob.objects.filter(pk=job.pk).update(attempts=2)  # claimed again elsewhere
    assert not same_attempt(job, status=ExportStatus.RUNNING).update(status=ExportStatus.DONE)
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING
