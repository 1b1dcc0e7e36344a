"""Export jobs' life cycle: queued, claimed, written with progress, published or failed,
recovered when their worker died, expired with their file.

A run claims its job with one conditional UPDATE, so a second delivery of the same message
finds the job no longer queued and does nothing. The file is written under a temporary name
and stored only when complete; the job says "done" only after that. A running job is alive
while either of its heartbeats is fresh: `heartbeat_at` on the row (written per batch) or the
key a thread of the worker refreshes in the cache every few seconds, which covers steps longer
than a batch. A silent one is queued again or, after too many attempts, failed with the
reason. Every write of a run is conditional on the job still being its own attempt, so a run
taken for dead and restarted elsewhere stops at its next batch.
"""

import logging
import re
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from accounts.enqueue import registered_task
from accounts.heartbeat import Heartbeat, Recovered, last_beat, resend_waiting, same_attempt
from exports.generate import ExportFailed, export_generate
from exports.models import ExportJob, ExportStatus
from exports.naming import export_file_name
from exports.notify import export_notify

log = logging.getLogger(__name__)
EXPORT_RUN = "exports.tasks.export_run"  # the task's registered name
PART = re.compile(r"export-(\d+)-(\d+)\.part")


class _Cancelled(Exception):
    """The job was cancelled, or restarted elsewhere, while this run wrote it."""


def export_heartbeat_key(job_id: int) -> str:
    return f"exports:heartbeat:{job_id}"


def export_part_path(job: ExportJob) -> Path:
    """Where the job's current attempt writes its file until it is complete."""
    return Path(settings.EXPORT_TMP_DIR) / f"export-{job.pk}-{job.attempts}.part"


def export_enqueue(job_id: int) -> None:
    """Queue the job's run for a worker once the current transaction commits."""
    registered_task(EXPORT_RUN).delay_on_commit(job_id)


def _mine(job: ExportJob):
    """The job while it is still this run's: running, and not claimed again since."""
    return same_attempt(job, status=ExportStatus.RUNNING)


def export_job_run(*, job_id: int) -> str:
    """Write and publish the queued job's file once; the job's status after this run."""
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


def export_recover_lost(*, stale_after: int | None = None, dry_run: bool = False) -> Recovered:
    """Queue again the running jobs silent for `stale_after` seconds (EXPORT_HEARTBEAT_SECONDS),
    or fail them after EXPORT_MAX_ATTEMPTS runs; send again the message of a job queued that
    long (the broker may have lost it; only one delivery can claim the job)."""
    seconds = settings.EXPORT_HEARTBEAT_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    stale = now - timedelta(seconds=seconds)
    queued = ExportJob.objects.filter(status=ExportStatus.QUEUED)
    send = registered_task(EXPORT_RUN).delay
    resent = resend_waiting(queued, stale=stale, now=now, send=send, dry_run=dry_run)
    done = Recovered(resent=resent)
    silent = ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=stale)
    for job in silent.order_by("pk"):
        beat = last_beat(export_heartbeat_key(job.pk))
        if beat is not None and beat >= stale:
            continue  # a long step: the worker's thread still beats
        same = same_attempt(job, status=ExportStatus.RUNNING, heartbeat_at__lt=stale)
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            reason = (
                f"The worker writing this file stopped {job.attempts} times "
                "(killed or out of memory); it was not retried again."
            )
            if dry_run or same.update(status=ExportStatus.FAILED, error=reason, finished_at=now):
                done.failed.append(job.pk)
            continue
        with transaction.atomic():
            if dry_run or same.update(status=ExportStatus.QUEUED, rows_done=0, heartbeat_at=now):
                done.requeued.append(job.pk)
                if not dry_run:
                    export_enqueue(job.pk)
    if not dry_run:
        done.cleaned = parts_sweep()
    return done


def parts_sweep() -> int:
    """Delete the partial files in EXPORT_TMP_DIR of every attempt that is not running now
    (a killed worker's, or one left by a crash); returns how many."""
    folder = Path(settings.EXPORT_TMP_DIR)
    # Listed before the jobs are read: a file that exists now was created after its claim,
    # so a run still writing it is seen as running below.
    parts = list(folder.glob("export-*.part")) if folder.exists() else []
    if not parts:
        return 0
    running = set(
        ExportJob.objects.filter(status=ExportStatus.RUNNING).values_list("pk", "attempts")
    )
    removed = 0
    for part in parts:
        match = PART.fullmatch(part.name)
        if match and (int(match[1]), int(match[2])) in running:
            continue
        part.unlink(missing_ok=True)
        removed += 1
    return removed


def exports_expire() -> int:
    """Delete jobs (and their files) past their expiry, except queued or running ones."""
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=timezone.now()).exclude(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ):
        if job.file:
            default_storage.delete(job.file.name)
        job.delete()
        removed += 1
    return removed
