"""Export tasks: produce a file, recover jobs whose worker died, expire old files, run schedules.

`export_run` is idempotent: it claims its job with one conditional UPDATE, so a second
delivery of the same message finds the job no longer queued and does nothing. The file is
written under a temporary name and stored only when complete; the job says "done" only
after that. A worker that dies mid-file stops sending heartbeats; `export_recover` then
queues the job again or, after too many attempts, fails it with the reason.
"""

import logging
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from .generate import ExportFailed, export_generate
from .models import ExportJob, ExportStatus
from .naming import export_file_name
from .notify import export_notify

log = logging.getLogger(__name__)


class _Cancelled(Exception):
    pass


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
    folder = Path(settings.EXPORT_TMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"export-{job.pk}-{job.attempts}.part"
    try:
        generated = export_generate(
            job,
            partial,
            on_total=lambda total: _set_total(job.pk, total),
            on_batch=lambda rows: _progress(job.pk, rows),
        )
        _publish(job, partial, generated)
    except _Cancelled:
        return "cancelled"
    except ExportFailed as error:
        _fail(job, str(error))
    except SoftTimeLimitExceeded:
        _fail(job, "The export took longer than the time limit; narrow the filters or use CSV.")
    except Exception:
        log.exception("export %s failed", job.pk)
        _fail(job, "An unexpected error stopped this export; it has been logged. Retry it.")
    finally:
        partial.unlink(missing_ok=True)
    return ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _set_total(job_id: int, total: int) -> None:
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        rows_total=total, heartbeat_at=timezone.now()
    ):
        raise _Cancelled


def _progress(job_id: int, rows: int) -> None:
    # Orders can arrive while the file is written: progress never passes the total.
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        rows_done=Least(F("rows_done") + rows, F("rows_total")), heartbeat_at=timezone.now()
    ):
        raise _Cancelled


def _publish(job: ExportJob, partial: Path, generated) -> None:
    name = export_file_name(job)
    with partial.open("rb") as content:
        stored = default_storage.save(f"exports/{job.pk}/{name}", File(content))
    finished = timezone.now()
    with transaction.atomic():
        done = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
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
    if not done:  # cancelled while the file was being stored
        default_storage.delete(stored)
        raise _Cancelled
    if job.schedule_id:
        export_notify(ExportJob.objects.get(pk=job.pk))


def _fail(job: ExportJob, reason: str) -> None:
    failed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    if failed and job.schedule_id:
        export_notify(ExportJob.objects.get(pk=job.pk))


@shared_task(name="exports.tasks.export_recover")
def export_recover() -> dict:
    """Requeue running jobs whose worker stopped reporting; fail them after too many tries.

    Queued jobs waiting that long have their message sent again, in case the broker lost it
    (a duplicate is harmless: only one delivery can claim the job).
    """
    stale = timezone.now() - timedelta(seconds=settings.EXPORT_HEARTBEAT_SECONDS)
    for pk in ExportJob.objects.filter(
        status=ExportStatus.QUEUED, created_at__lt=stale
    ).values_list("pk", flat=True):
        export_run.delay(pk)
    requeued = failed = 0
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=stale):
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            reason = (
                f"The worker writing this file stopped {job.attempts} times "
                "(killed or out of memory); it was not retried again."
            )
            failed += ExportJob.objects.filter(
                pk=job.pk, status=ExportStatus.RUNNING, heartbeat_at__lt=stale
            ).update(status=ExportStatus.FAILED, error=reason, finished_at=timezone.now())
            continue
        with transaction.atomic():
            if ExportJob.objects.filter(
                pk=job.pk, status=ExportStatus.RUNNING, heartbeat_at__lt=stale
            ).update(status=ExportStatus.QUEUED, rows_done=0):
                requeued += 1
                transaction.on_commit(lambda pk=job.pk: export_run.delay(pk))
    return {"requeued": requeued, "failed": failed}


@shared_task(name="exports.tasks.export_expire")
def export_expire() -> int:
    """Delete jobs (and their files) past their expiry, and temporary files left behind."""
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=timezone.now()).exclude(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ):
        if job.file:
            default_storage.delete(job.file.name)
        job.delete()
        removed += 1
    folder = Path(settings.EXPORT_TMP_DIR)
    day_ago = (timezone.now() - timedelta(days=1)).timestamp()
    for leftover in folder.glob("export-*.part") if folder.exists() else []:
        if leftover.stat().st_mtime < day_ago:
            leftover.unlink(missing_ok=True)
    return removed


@shared_task(name="exports.tasks.export_schedules_run")
def export_schedules_run() -> int:
    from .schedules import schedules_run_due

    return schedules_run_due()
