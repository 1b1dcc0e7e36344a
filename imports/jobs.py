"""Import jobs: an upload previewed (dry run) and then applied, in the request for small files
and in a worker for large ones, with progress the page can read while the transaction runs.

Progress and the worker's heartbeat live in the cache, not in the job row: the import is one
transaction, so nothing it writes to the database is visible before it commits. A worker that
dies (killed, out of memory) stops beating; `import_recover` then queues the stage again or,
after IMPORT_MAX_ATTEMPTS runs, fails it with the reason. Nothing of a lost run was stored.
"""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.enqueue import registered_task
from accounts.heartbeat import Heartbeat, Recovered, last_beat, resend_waiting, same_attempt
from imports.finance_files.service import import_finance_file
from imports.models import ImportJob
from imports.read import read_inline
from imports.services import ImportRefused, UnreadableFile, import_tiktok_file

log = logging.getLogger(__name__)
IMPORT_RUN = "orders.tasks.import_run_task"  # the task's registered name


def _importer(job: ImportJob):
    """The service that reads the job's kind of file: the same signature and report
    (`as_dict()`, `rows`), the same refusals (UnreadableFile, ImportRefused)."""
    if job.kind == ImportJob.Kind.FINANCE:
        return import_finance_file
    return import_tiktok_file


class _Superseded(Exception):
    """The job was restarted elsewhere while this run was alive: it stops, storing nothing."""


OVER_MEMORY = "Nothing was imported: reading the file took more memory than an import may use."
OVER_TIME = "Nothing was imported: the import took longer than an import may take."


def _progress_key(job_id: int) -> str:
    return f"orders:import-progress:{job_id}"


def _heartbeat_key(job_id: int) -> str:
    return f"orders:import-heartbeat:{job_id}"


def import_progress(job: ImportJob) -> tuple[int, int]:
    """(rows read, rows in the file) of a running stage; 0 rows read before it has counted."""
    return cache.get(_progress_key(job.pk)) or (0, job.rows_total)


def import_heartbeat(job: ImportJob) -> datetime | None:
    """When the worker running the job last said it was alive; None when the cache has no
    word of it (never started, finished, or the cache itself was lost)."""
    return last_beat(_heartbeat_key(job.pk))


def _hard_limit() -> timedelta:
    return timedelta(seconds=settings.IMPORT_TIME_LIMIT_SECONDS + 60)


def _lost(job: ImportJob, stale: datetime) -> bool:
    """A running stage whose worker is gone: its heartbeat is older than `stale`; with no
    heartbeat at all, only once it ran longer than the task's hard time limit allows."""
    if job.state != ImportJob.State.RUNNING:
        return False
    beat = import_heartbeat(job)
    if beat is None:
        return job.started_at < timezone.now() - _hard_limit()
    return beat < stale


def import_stalled(job: ImportJob) -> bool:
    """Lost long ago and not restarted (no recovery is running): the page stops waiting."""
    return _lost(job, timezone.now() - _hard_limit())


def _noun(job: ImportJob) -> str:
    return "preview" if job.stage == ImportJob.Stage.PREVIEW else "import"


def import_notice(job: ImportJob) -> str:
    """What the page says about lost workers and restarts, in words; "" when nothing to say."""
    noun = _noun(job)
    of = f"attempt {job.attempts} of {settings.IMPORT_MAX_ATTEMPTS}"
    if _lost(job, timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_SECONDS)):
        return (
            f"The worker processing this {noun} stopped responding; "
            "it will be restarted automatically."
        )
    if job.attempts > 1 and job.busy:
        return (
            f"The {noun} stopped because the worker processing it was lost; "
            f"it was restarted automatically ({of})."
        )
    if job.attempts > 1 and job.state == ImportJob.State.FINISHED:
        return f"The {noun} was restarted automatically after its worker was lost ({of})."
    return ""


def import_start(job: ImportJob) -> None:
    """Run the job's current stage now when the file is small to read, else queue it for a
    worker (which reads within a memory budget)."""
    if job.file_size <= settings.IMPORT_INLINE_BYTES and _small_to_read(job):
        import_run(job.pk)
        job.refresh_from_db()
        return
    import_enqueue(job.pk)


def import_enqueue(job_id: int) -> None:
    """Queue the job's stage for a worker once the current transaction commits."""
    registered_task(IMPORT_RUN).delay_on_commit(job_id)


def _small_to_read(job: ImportJob) -> bool:
    """The stored upload (at most IMPORT_INLINE_BYTES here) is small once unpacked too; a file
    the checks now refuse goes to the worker, whose preview fails it with the reason."""
    try:
        with job.file.open("rb") as binary:
            return read_inline(binary)
    except UnreadableFile:
        return False


def import_apply_start(job: ImportJob, *, user, skip_errors: bool) -> bool:
    """Move a finished preview on to its import and start it; False when the job was not a
    finished preview with its upload (already imported, still running, or expired)."""
    with transaction.atomic():
        started = (
            ImportJob.objects.filter(
                pk=job.pk, stage=ImportJob.Stage.PREVIEW, state=ImportJob.State.FINISHED
            )
            .exclude(file="")
            .update(
                stage=ImportJob.Stage.APPLY,
                state=ImportJob.State.QUEUED,
                skip_errors=skip_errors,
                requested_by=user,
                attempts=0,
                heartbeat_at=timezone.now(),
            )
        )
        if started:
            job.refresh_from_db()
            import_start(job)
    return bool(started)


@contextmanager
def local_path(field):
    """The stored file as a local path (a temporary copy when the storage is remote)."""
    try:
        path = Path(field.path)
    except NotImplementedError:  # remote storage (S3): no path of its own
        path = None
    if path is not None:
        yield path
        return
    with field.open("rb") as stored, tempfile.NamedTemporaryFile() as copy:
        shutil.copyfileobj(stored, copy)
        copy.flush()
        yield Path(copy.name)


def import_run(job_id: int) -> None:
    """Run the job's queued stage once (a second delivery finds it claimed and does nothing)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("shop", "requested_by").get(pk=job_id)
    # This run's own job: not once recovery has queued it again for another worker.
    mine = same_attempt(job, state=ImportJob.State.RUNNING)
    heartbeat = Heartbeat(
        _heartbeat_key(job.pk),
        timeout=settings.IMPORT_HEARTBEAT_SECONDS,
        ttl=settings.IMPORT_TIME_LIMIT_SECONDS + 120,
    )
    try:
        # One transaction holds the job row locked (PostgreSQL; on SQLite the database's
        # write lock) from here to its end, stores the orders and records the outcome: the
        # orders are stored only with a job that says so, and recovery, which skips locked
        # rows, never restarts a run whose transaction is still open, even a frozen one.
        with heartbeat, local_path(job.file) as path, transaction.atomic():
            if not mine.select_for_update().exists():
                raise _Superseded  # restarted between its claim and now
            outcome = _stage(job, path, heartbeat)
            if not _finish(job, mine, **outcome):
                raise _Superseded
    except _Superseded:
        log.warning("import job %s attempt %s stopped: restarted elsewhere", job.pk, job.attempts)
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, mine, state=ImportJob.State.FAILED, error=_INTERNAL)
        raise


def _stage(job: ImportJob, path: Path, heartbeat: Heartbeat) -> dict:
    """Import (or preview) the file; the job's outcome, refusals included, as its fields."""

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), (done, total), timeout=settings.IMPORT_TIME_LIMIT_SECONDS)
        heartbeat.beat()

    preview = job.stage == ImportJob.Stage.PREVIEW
    outcome = {"report": job.report, "rows_total": job.rows_total, "error": ""}
    try:
        report = _importer(job)(
            shop=job.shop,
            source=path,
            name=job.file_name,
            actor=job.requested_by,
            dry_run=preview,
            skip_errors=preview or job.skip_errors,
            date_format=job.date_format or None,
            progress=progress,
            job=job,
        )
    except (UnreadableFile, ImportRefused) as refused:
        return {
            **outcome,
            "state": ImportJob.State.FAILED,
            "error": f"Nothing was imported: {refused}",
        }
    except MemoryError:  # past the task's budget; not bound to a name, so its frames are freed
        return {**outcome, "state": ImportJob.State.FAILED, "error": OVER_MEMORY}
    except SoftTimeLimitExceeded:
        return {**outcome, "state": ImportJob.State.FAILED, "error": OVER_TIME}
    return {
        **outcome,
        "state": ImportJob.State.FINISHED,
        "report": report.as_dict(),
        "rows_total": report.rows,
    }


_INTERNAL = "Nothing was imported: an internal error."


def _finish(job: ImportJob, mine, *, state: str, **fields) -> bool:
    """Record the stage's outcome if the job is still this run's, and once that commits drop
    the upload when it is not needed again (applied, or the job failed); False when the job
    is no longer this run's."""
    drop = job.stage == ImportJob.Stage.APPLY or state == ImportJob.State.FAILED
    if drop:
        fields["file"] = ""
    if not mine.update(state=state, finished_at=timezone.now(), **fields):
        return False
    if drop and job.file:
        transaction.on_commit(lambda: job.file.delete(save=False))
    # At once: until the commit the row, still running to others, is locked, and recovery
    # would judge it by the hard time limit anyway.
    cache.delete_many([_progress_key(job.pk), _heartbeat_key(job.pk)])
    return True


def import_recover(*, stale_after: int | None = None, dry_run: bool = False) -> Recovered:
    """Queue again the running stages whose worker stopped beating for `stale_after` seconds
    (IMPORT_HEARTBEAT_SECONDS), or fail them once they ran IMPORT_MAX_ATTEMPTS times; send
    again the message of a stage queued that long (the broker may have lost it; a duplicate
    claims nothing)."""
    seconds = settings.IMPORT_HEARTBEAT_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    stale = now - timedelta(seconds=seconds)
    queued = ImportJob.objects.filter(state=ImportJob.State.QUEUED)
    send = registered_task(IMPORT_RUN).delay
    resent = resend_waiting(queued, stale=stale, now=now, send=send, dry_run=dry_run)
    done = Recovered(resent=resent)
    running = ImportJob.objects.filter(state=ImportJob.State.RUNNING).order_by("pk")
    for job in (job for job in running if _lost(job, stale)):
        with transaction.atomic():
            # A row locked by an open import transaction is a live run (frozen, perhaps, but
            # it may still commit): skipped, whatever its heartbeat says.
            same = same_attempt(job, state=ImportJob.State.RUNNING)
            if not same.select_for_update(skip_locked=True).exists():
                continue
            if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                if dry_run or same.update(
                    state=ImportJob.State.FAILED, error=_gave_up(job), file="", finished_at=now
                ):
                    done.failed.append(job.pk)
                    if not dry_run and job.file:
                        transaction.on_commit(lambda file=job.file: file.delete(save=False))
                        done.cleaned += 1
            elif dry_run or same.update(state=ImportJob.State.QUEUED, heartbeat_at=now):
                done.requeued.append(job.pk)
                if not dry_run:
                    cache.delete(_progress_key(job.pk))  # the next run counts from 0
                    import_enqueue(job.pk)
    return done


def _gave_up(job: ImportJob) -> str:
    times = f" {job.attempts} times" if job.attempts > 1 else ""
    return (
        f"The {_noun(job)} stopped because the worker processing it was lost{times} (stopped, "
        "killed or out of memory); it was not restarted again. Nothing was imported: upload "
        "the file again, or split it into smaller files."
    )
