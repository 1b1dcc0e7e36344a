"""Imports whose worker died: a heartbeat in the cache says a worker is alive, `import_recover`
restarts a silent job or fails it with the reason after IMPORT_MAX_ATTEMPTS, the job page says
what happened, and operators run the same recovery with `manage.py import_recover`."""

import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from imports.jobs import import_heartbeat, import_recover, import_run
from imports.models import ImportJob
from imports.tasks import import_recover_task, import_run_task
from orders.models import Order
from tests.celery_worker import ROOT, start_worker, stop_worker, wait_until_ready
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row

pytestmark = pytest.mark.django_db


def _job(shop, *, state="running", stage="apply", attempts=1, rows=1, **fields) -> ImportJob:
    job = ImportJob(
        shop=shop, file_name="orders.csv", stage=stage, state=state, attempts=attempts, **fields
    )
    data = _csv(*[_row(**{"Order ID": f"5761234{i:011d}"}) for i in range(rows)])
    job.file.save("upload.csv", ContentFile(data), save=False)
    job.file_size = len(data)
    job.started_at = fields.get("started_at", timezone.now())
    job.save()
    # Test databases restart their ids; the cache outlives them.
    cache.delete_many([f"orders:import-{what}:{job.pk}" for what in ("progress", "heartbeat")])
    return job


def _beat(job, seconds_ago: float) -> None:
    """What the worker's heartbeat left in the cache, `seconds_ago`."""
    cache.set(f"orders:import-heartbeat:{job.pk}", time.time() - seconds_ago, timeout=3600)


def test_recover_restarts_an_import_whose_heartbeat_stopped(
    shop, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_HEARTBEAT_SECONDS = 90
    dead = _job(shop)
    _beat(dead, 300)
    alive = _job(shop)
    _beat(alive, 5)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        recovered = import_recover()
    assert (recovered.requeued, recovered.failed) == ([dead.pk], [])
    assert len(sent) == 1  # the task goes out once the requeue commits
    dead.refresh_from_db()
    assert (dead.state, dead.attempts) == ("queued", 1)
    assert ImportJob.objects.get(pk=alive.pk).state == "running"
    import_run_task(dead.pk)  # what the worker then does
    dead.refresh_from_db()
    assert (dead.state, dead.attempts, dead.report["created"]) == ("finished", 2, 1)
    assert Order.objects.count() == 1


def test_recover_fails_an_import_after_its_last_attempt_with_the_reason(
    client, admin, shop, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_ATTEMPTS = 3
    dead = _job(shop, attempts=3)
    _beat(dead, 600)
    upload = dead.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the upload goes once that commits
        assert import_recover().failed == [dead.pk]
    dead.refresh_from_db()
    assert dead.state == "failed" and dead.finished_at
    assert "worker processing it was lost 3 times" in dead.error
    assert dead.file.name == "" and not dead.file.storage.exists(upload)  # no orphaned upload
    client.force_login(admin)
    page = client.get(f"/orders/import/{dead.pk}/").content.decode()
    assert "worker processing it was lost 3 times" in page and "Nothing was imported" in page
    assert not Order.objects.exists()


def test_without_a_heartbeat_only_the_time_limit_says_the_worker_is_gone(shop, settings):
    """The cache lost the key (Redis restarted): a running import is not restarted under a
    live worker; only one older than the task's hard time limit is."""
    settings.IMPORT_TIME_LIMIT_SECONDS = 3600
    recent = _job(shop, started_at=timezone.now() - timedelta(minutes=10))
    ancient = _job(shop, started_at=timezone.now() - timedelta(hours=2))
    assert import_recover().requeued == [ancient.pk]
    assert ImportJob.objects.get(pk=recent.pk).state == "running"


def test_recover_resends_an_import_queued_too_long_once_per_timeout(
    shop, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("imports.tasks.import_run_task.delay", sent.append)
    waiting = _job(shop, state="queued", attempts=0)
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = _job(shop, state="queued", attempts=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_recover().resent == [waiting.pk]
        assert import_recover().resent == []  # not again before another timeout
    assert sent == [waiting.pk] and fresh.pk not in sent


def test_a_restarted_import_says_so_on_its_page(client, admin, shop, settings):
    settings.IMPORT_MAX_ATTEMPTS = 3
    job = _job(shop, attempts=2)
    _beat(job, 1)
    client.force_login(admin)
    expected = (
        "The import stopped because the worker processing it was lost; "
        "it was restarted automatically (attempt 2 of 3)."
    )
    assert expected in client.get(f"/orders/import/{job.pk}/").content.decode()
    polled = client.get(f"/orders/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert expected in polled.content.decode()


def test_a_silent_worker_is_announced_before_the_restart(client, admin, shop, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 90
    job = _job(shop)
    _beat(job, 200)
    client.force_login(admin)
    page = client.get(f"/orders/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "stopped responding" in page.content.decode()
    assert "will be restarted automatically" in page.content.decode()


def _watch(monkeypatch, job, *, before=lambda: None):
    """Run the real import, noting the job's heartbeat after each batch; `before` runs first
    (outside the import's transaction, as another process would)."""
    import imports.jobs as jobs

    beats = []
    real = jobs.import_tiktok_file

    def watched(**kwargs):
        def progress(done, total):
            given(done, total)
            beats.append(import_heartbeat(ImportJob.objects.get(pk=job.pk)))

        given = kwargs["progress"]
        before()
        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(jobs, "import_tiktok_file", watched)
    return beats


def test_the_worker_beats_at_every_batch(shop, settings, monkeypatch):
    settings.IMPORT_BATCH_ORDERS = 1
    job = _job(shop, state="queued", attempts=0, rows=3)
    beats = _watch(monkeypatch, job)
    started = timezone.now()
    import_run(job.pk)
    assert len(beats) == 3 and all(beat >= started - timedelta(seconds=1) for beat in beats)
    assert beats == sorted(beats)
    assert import_heartbeat(job) is None  # gone with the finished stage
    assert Order.objects.count() == 3


def test_a_run_taken_over_before_it_holds_its_job_stores_nothing(shop, settings, monkeypatch):
    """Queued again and claimed by another worker between this run's claim and its lock on
    the job (while it copied the upload, say): it stops before reading the file, and the job
    row stays the new attempt's."""
    import imports.jobs as jobs

    settings.IMPORT_BATCH_ORDERS = 1
    job = _job(shop, state="queued", attempts=0, rows=3)
    real = jobs.local_path

    @contextmanager
    def restarted_elsewhere(field):
        ImportJob.objects.filter(pk=job.pk).update(attempts=2)
        with real(field) as path:
            yield path

    monkeypatch.setattr(jobs, "local_path", restarted_elsewhere)
    beats = _watch(monkeypatch, job)
    import_run(job.pk)
    assert beats == []  # no batch was read
    job.refresh_from_db()
    assert (job.state, job.attempts, job.finished_at) == ("running", 2, None)
    assert job.file.name  # the new attempt still needs its upload
    assert import_heartbeat(job) is not None  # the new attempt's, left alone
    assert not Order.objects.exists()


def test_a_run_whose_job_changed_before_its_commit_stores_nothing(shop, settings, monkeypatch):
    """The job stops being this attempt after the last batch's check, before the import
    commits (a frozen host, taken for dead meanwhile): the stage's orders and its state are
    written in one transaction, so the orders are not stored under a job that says "lost"."""
    import imports.services as importing

    job = _job(shop, state="queued", attempts=0, rows=2)
    real = importing.audit_record

    def audited_after_a_restart(**kwargs):
        ImportJob.objects.filter(pk=job.pk).update(state="queued")  # recovery, meanwhile
        return real(**kwargs)

    monkeypatch.setattr(importing, "audit_record", audited_after_a_restart)
    import_run(job.pk)
    # Rolled back as a whole: on one connection here, the stand-in for recovery with it.
    job.refresh_from_db()
    assert (job.state, job.attempts, job.finished_at, job.report) == ("running", 1, None, {})
    assert job.file.name
    assert not Order.objects.exists()


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked, reason="row locks (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_a_live_run_holding_its_job_is_not_requeued_even_when_silent(shop, settings, monkeypatch):
    """A run's transaction locks its job row until it ends: a worker that is alive but has not
    beaten for a while (a frozen host) is not restarted under it; a stale one without a lock
    is. Another connection holds the lock here, as the frozen run would."""
    settings.IMPORT_HEARTBEAT_SECONDS = 90
    monkeypatch.setattr("imports.tasks.import_run_task.delay", lambda pk: None)  # no worker here
    silent = _job(shop)
    _beat(silent, 300)
    dead = _job(shop)
    _beat(dead, 300)
    locked, release = threading.Event(), threading.Event()

    def frozen_run():
        try:
            with transaction.atomic():
                list(ImportJob.objects.select_for_update().filter(pk=silent.pk))
                locked.set()
                release.wait(timeout=5)  # before the fix, recovery waits here for the lock
        finally:
            connections.close_all()

    run = threading.Thread(target=frozen_run)
    run.start()
    try:
        assert locked.wait(timeout=10)
        recovered = import_recover()
        release.set()
    finally:
        release.set()
        run.join()
    assert recovered.requeued == [dead.pk]
    assert ImportJob.objects.get(pk=silent.pk).state == "running"
    assert import_recover().requeued == [silent.pk]  # its transaction ended, its beat did not


# The operators' command ------------------------------------------------------------------


def test_import_recover_command_prints_what_it_did(shop, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    again = _job(shop, attempts=1)
    _beat(again, 300)
    given_up = _job(shop, attempts=2)
    _beat(given_up, 300)
    fine = _job(shop)
    _beat(fine, 1)
    call_command("import_recover", "--dry-run", stdout=(out := _Out()))
    assert f"would requeue import {again.pk}" in out.text
    assert ImportJob.objects.get(pk=again.pk).state == "running"  # a dry run changes nothing
    call_command("import_recover", stdout=(out := _Out()))
    assert f"requeued import {again.pk}" in out.text
    assert f"failed import {given_up.pk}" in out.text
    assert "1 requeued, 1 failed, 0 resent" in out.text
    assert ImportJob.objects.get(pk=fine.pk).state == "running"
    call_command("import_recover", "--stale-after", "0", stdout=(out := _Out()))
    assert f"requeued import {fine.pk}" in out.text  # an operator who knows the workers died


@pytest.mark.parametrize("value", ["-1", "soon", "1e9"])
def test_import_recover_command_refuses_bad_arguments(value):
    with pytest.raises(CommandError, match="--stale-after must be a whole number of seconds"):
        call_command("import_recover", "--stale-after", value)


def test_recover_commands_exit_non_zero_with_one_line_on_the_command_line():
    for command in ("import_recover", "export_recover"):
        for args in (["--stale-after", "soon"], ["--frobnicate"]):
            done = subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", command, *args],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
                env=_settings_env(),
            )
            assert done.returncode != 0, (command, args)
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def _settings_env() -> dict:
    import os

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "sellercenter.settings.test"}


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# A real worker killed mid-import ---------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_is_restarted_and_the_import_completes(
    client, celery_worker, admin, shop, settings
):
    """SIGKILL while the apply's transaction runs: nothing is stored, the job does not stay
    running; recovery restarts it on another worker, which imports the whole file once."""
    rows = 300
    job = _job(shop, state="queued", attempts=0, rows=rows)
    _kill_mid_import(job)
    stuck = ImportJob.objects.get(pk=job.pk)
    assert (stuck.stage, stuck.state, stuck.attempts) == ("apply", "running", 1)
    assert 10 < _progress(job) < rows and not Order.objects.exists()  # rolled back

    settings.IMPORT_HEARTBEAT_SECONDS = 1
    time.sleep(1.1)
    assert import_recover_task() == {"requeued": 1, "failed": 0, "resent": 0, "cleaned": 0}
    _wait(lambda: not ImportJob.objects.get(pk=job.pk).busy)
    done = ImportJob.objects.get(pk=job.pk)
    assert (done.state, done.attempts, done.report["created"]) == ("finished", 2, rows)
    assert Order.objects.filter(shop=shop).count() == rows
    client.force_login(admin)
    page = client.get(f"/orders/import/{job.pk}/").content.decode()
    assert "restarted automatically after its worker was lost (attempt 2 of 3)" in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_on_every_attempt_fails_with_the_reason(celery_worker, shop, settings):
    settings.IMPORT_MAX_ATTEMPTS = 1
    job = _job(shop, state="queued", attempts=0, rows=200)
    _kill_mid_import(job)
    assert import_recover(stale_after=0).failed == [job.pk]
    failed = ImportJob.objects.get(pk=job.pk)
    assert failed.state == "failed" and "lost 1 times" not in failed.error
    assert "worker processing it was lost" in failed.error and not Order.objects.exists()


def _kill_mid_import(job) -> None:
    """Run the job on a worker of its own, one order per batch, and SIGKILL it mid-way."""
    doomed = start_worker(queues="imports-doomed", name="doomed", env={"IMPORT_BATCH_ORDERS": "1"})
    try:
        wait_until_ready(doomed, queue="imports-doomed")
        import_run_task.apply_async(args=[job.pk], queue="imports-doomed")
        _wait(lambda: _progress(job) > 10)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stop_worker(doomed)


def _progress(job) -> int:
    return (cache.get(f"orders:import-progress:{job.pk}") or (0, 0))[0]


def _wait(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
