"""Export jobs whose worker died: found by their heartbeat, queued again or failed with the
reason, and the partial files of runs that no longer run deleted at once.

A running job is alive while either of its heartbeats is fresh: `heartbeat_at` on the row
(written per batch) or the key a thread of the worker refreshes in the cache every few
seconds (`exports.tasks.export_run`), which covers steps longer than a batch.
"""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.heartbeat import Recovered, last_beat, resend_waiting, same_attempt
from exports.models import ExportJob, ExportStatus

PART = re.compile(r"export-(\d+)-(\d+)\.part")


def export_heartbeat_key(job_id: int) -> str:
    return f"exports:heartbeat:{job_id}"


def export_part_path(job: ExportJob) -> Path:
    """Where the job's current attempt writes its file until it is complete."""
    return Path(settings.EXPORT_TMP_DIR) / f"export-{job.pk}-{job.attempts}.part"


def export_recover_lost(*, stale_after: int | None = None, dry_run: bool = False) -> Recovered:
    """Queue again the running jobs silent for `stale_after` seconds (EXPORT_HEARTBEAT_SECONDS),
    or fail them after EXPORT_MAX_ATTEMPTS runs; send again the message of a job queued that
    long (the broker may have lost it; only one delivery can claim the job)."""
    from exports.tasks import export_run  # the task module imports this one

    seconds = settings.EXPORT_HEARTBEAT_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    stale = now - timedelta(seconds=seconds)
    queued = ExportJob.objects.filter(status=ExportStatus.QUEUED)
    done = Recovered(
        resent=resend_waiting(queued, stale=stale, now=now, send=export_run.delay, dry_run=dry_run)
    )
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
                    transaction.on_commit(lambda pk=job.pk: export_run.delay(pk))
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
