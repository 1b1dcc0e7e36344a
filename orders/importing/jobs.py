"""Import jobs: an upload previewed (dry run) and then applied, in the request for small files
and in a worker for large ones, with progress the page can read while the transaction runs.

Progress lives in the cache, not in the job row: the import is one transaction, so nothing it
writes to the database is visible to the page before it commits.
"""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ..models import ImportJob
from . import ImportRefused, UnreadableFile, import_tiktok_file

log = logging.getLogger(__name__)
SHOWN_ERRORS = 500  # bad rows listed on the page; the CSV report has them all
OVER_MEMORY = "Nothing was imported: reading the file took more memory than an import may use."
OVER_TIME = "Nothing was imported: the import took longer than an import may take."


def _progress_key(job_id: int) -> str:
    return f"orders:import-progress:{job_id}"


def import_progress(job: ImportJob) -> tuple[int, int]:
    """(rows read, rows in the file) of a running stage; 0 rows read before it has counted."""
    return cache.get(_progress_key(job.pk)) or (0, job.rows_total)


def import_stalled(job: ImportJob) -> bool:
    """A stage still "running" long after any import could take: its worker was lost. Nothing
    of it was stored (the import is one transaction)."""
    limit = timedelta(seconds=settings.IMPORT_TIME_LIMIT_SECONDS + 60)
    return job.state == ImportJob.State.RUNNING and job.started_at < timezone.now() - limit


def import_start(job: ImportJob) -> None:
    """Run the job's current stage now when the file is small, else queue it for a worker."""
    if job.file_size <= settings.IMPORT_INLINE_BYTES:
        import_run(job.pk)
        job.refresh_from_db()
        return
    from ..tasks import import_run_task  # here: the tasks module imports this one

    transaction.on_commit(lambda: import_run_task.delay(job.pk))


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
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("shop", "requested_by").get(pk=job_id)
    preview = job.stage == ImportJob.Stage.PREVIEW

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), (done, total), timeout=settings.IMPORT_TIME_LIMIT_SECONDS)

    try:
        with local_path(job.file) as path:
            report = import_tiktok_file(
                shop=job.shop,
                source=path,
                name=job.file_name,
                actor=job.requested_by,
                dry_run=preview,
                skip_errors=preview or job.skip_errors,
                date_format=job.date_format or None,
                progress=progress,
            )
    except (UnreadableFile, ImportRefused) as refused:
        job.state, job.error = ImportJob.State.FAILED, f"Nothing was imported: {refused}"
    except MemoryError:  # past the task's budget; not bound to a name, so its frames are freed
        job.state, job.error = ImportJob.State.FAILED, OVER_MEMORY
    except SoftTimeLimitExceeded:
        job.state, job.error = ImportJob.State.FAILED, OVER_TIME
    except Exception:
        log.exception("import job %s failed", job.pk)
        job.state, job.error = ImportJob.State.FAILED, "Nothing was imported: an internal error."
        raise
    else:
        job.state, job.report = ImportJob.State.FINISHED, report.as_dict()
        job.rows_total = report.rows
    finally:
        if job.stage == ImportJob.Stage.APPLY or job.state == ImportJob.State.FAILED:
            job.file.delete(save=False)  # applied or refused: the upload is not needed again
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "report", "rows_total", "file", "finished_at"])
        cache.delete(_progress_key(job.pk))


def import_expire(now=None) -> int:
    """Delete the uploads of previews nobody applied within IMPORT_RETENTION_DAYS (the jobs
    and their reports stay in the history); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    stale = ImportJob.objects.filter(stage=ImportJob.Stage.PREVIEW, created_at__lt=cutoff).exclude(
        file=""
    )
    count = 0
    for job in stale.exclude(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]):
        job.file.delete(save=False)
        job.error = job.error or "The upload was deleted after its preview expired."
        job.save(update_fields=["file", "error"])
        count += 1
    return count
