"""Export tasks: produce a file, recover jobs whose worker died, expire old files, run schedules.

`export_run` is idempotent: it claims its job with one conditional UPDATE, so a second
delivery of the same message finds the job no longer queued and does nothing. The file is
written under a temporary name and stored only when complete; the job says "done" only
after that. A worker that dies mid-file stops sending heartbeats; `export_recover` then
queues the job again or, after too many attempts, fails it with the reason
(`exports/recovery.py`). Every write of a run is conditional on the job still being its own
attempt, so a run taken for dead and restarted elsewhere stops at its next batch.
"""

import logging
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from accounts.heartbeat import Heartbeat, same_attempt
from exports.generate import ExportFailed, export_generate
from exports.models import ExportJob, ExportStatus
from exports.naming import export_file_name
from exports.notify import export_notify
from exports.recovery import export_heartbeat_key, export_part_path, export_recover_lost

log = logging.getLogger(__name__)


class _Cancelled(Exception):
    """The job was cancelled, or restarted elsewhere, while this run wrote it."""


def _mine(job: ExportJob):
    """The job while it is still this run's: running, and not claimed again since."""
    return same_attempt(job, status=ExportStatus.RUNNING)


@shared_task(
    name="exports.tasks.export_run",
    acks_late=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT_SECONDS - 60,
    time_limit=settings.EXPORT_TIME_LIMIT_SECONDS,
)
def export_run(job_id: int) -> str:
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        rows_done=0,
        rows_total=None,
        error="",
    )
    if not claimed:
        return "not queued"
    job = ExportJob.objects.select_related("requested_by", "report").get(pk=job_id)
    partial = export_part_path(job)
    partial.parent.mkdir(parents=True, exist_ok=True)
    heartbeat = Heartbeat(
        export_heartbeat_key(job.pk),
        timeout=settings.EXPORT_HEARTBEAT_SECONDS,
        ttl=settings.EXPORT_TIME_LIMIT_SECONDS + 120,
    )
    ended = False  # this run recorded the job's end: its heartbeat is no longer needed
    try:
        with heartbeat:
            generated = export_generate(
                job,
                partial,
                on_total=lambda total: _set_total(job, total),
                on_batch=lambda rows: _progress(job, rows),
            )
            ended = _publish(job, partial, generated)
    except _Cancelled:
        return "cancelled"
    except ExportFailed as error:
        ended = _fail(job, str(error))
    except SoftTimeLimitExceeded:
        ended = _fail(
            job, "The export took longer than the time limit; narrow the filters or use CSV."
        )
    except Exception:
        log.exception("export %s failed", job.pk)
        ended = _fail(job, "An unexpected error stopped this export; it has been logged. Retry it.")
    finally:
        partial.unlink(missing_ok=True)
        # The key is the job's, not the attempt's: a run restarted elsewhere leaves it to the
        # attempt now running, whose beat recovery reads.
        if ended:
            cache.delete(heartbeat.key)
    return ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _set_total(job: ExportJob, total: int) -> None:
    if not _mine(job).update(rows_total=total, heartbeat_at=timezone.now()):
        raise _Cancelled


def _progress(job: ExportJob, rows: int) -> None:
    # Orders can arrive while the file is written: progress never passes the total.
    if not _mine(job).update(
        rows_done=Least(F("rows_done") + rows, F("rows_total")), heartbeat_at=timezone.now()
    ):
        raise _Cancelled


def _publish(job: ExportJob, partial: Path, generated) -> bool:
    name = export_file_name(job)
    with partial.open("rb") as content:
        stored = default_storage.save(f"exports/{job.pk}/{name}", File(content))
    finished = timezone.now()
    with transaction.atomic():
        done = _mine(job).update(
            status=ExportStatus.DONE,
            file=stored,
            file_name=name,
            rows_total=generated.rows,
            rows_done=generated.rows,
            size_bytes=generated.size,
            sha256=generated.sha256,
            finished_at=finished,
            heartbeat_at=finished,
            expires_at=finished + timedelta(days=settings.EXPORT_RETENTION_DAYS),
        )
    if not done:  # cancelled or restarted while the file was being stored
        default_storage.delete(stored)
        raise _Cancelled
    if job.schedule_id:
        export_notify(ExportJob.objects.get(pk=job.pk))
    return True


def _fail(job: ExportJob, reason: str) -> bool:
    """Fail the job with `reason` if it is still this run's; whether it was."""
    failed = _mine(job).update(status=ExportStatus.FAILED, error=reason, finished_at=timezone.now())
    if failed and job.schedule_id:
        export_notify(ExportJob.objects.get(pk=job.pk))
    return bool(failed)


@shared_task(name="exports.tasks.export_recover")
def export_recover() -> dict:
    """Every minute: requeue jobs whose worker was lost, fail them after too many tries."""
    return export_recover_lost().counts()


@shared_task(name="exports.tasks.export_expire")
def export_expire() -> int:
    """Delete jobs (and their files) past their expiry."""
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=timezone.now()).exclude(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ):
        if job.file:
            default_storage.delete(job.file.name)
        job.delete()
        removed += 1
    return removed


@shared_task(name="exports.tasks.export_schedules_run")
def export_schedules_run() -> int:
    from exports.schedules import schedules_run_due

    return schedules_run_due()
