"""Uploaded TikTok files: kept in storage with their import job, deleted once a preview nobody
applied expires, and swept when a request killed between storing the file and committing its
job row (a moment, but a kill can land there) left one behind."""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Shop
from imports.exceptions import ApplyRefused
from imports.jobs import import_apply_start, import_start
from imports.models import ImportJob
from imports.read import SheetFile, read_inline

log = logging.getLogger(__name__)
FOLDER = "imports"
GRACE = timedelta(hours=1)  # a file this young may still be on its way into a job row


def _order_header_check(content: bytes, name: str, shop: Shop) -> None:
    with SheetFile(content, name):
        pass


def import_upload(
    *,
    shop: Shop,
    user,
    upload,
    date_format: str = "",
    kind: str = ImportJob.Kind.ORDERS,
    header_check=_order_header_check,
) -> ImportJob:
    """Keep an upload (that passed the form's cheap checks) with its new job of `kind` and
    start the preview. A file small enough to read in the request has its header read first
    (`header_check(bytes, name, shop)`), so a refused one (UnreadableFile) is never stored; a
    large one's header is the worker's."""
    if read_inline(upload.file):
        upload.seek(0)
        header_check(upload.read(), upload.name, shop)
    job = ImportJob(
        kind=kind,
        shop=shop,
        requested_by=user,
        file_name=upload.name[:200],
        file_size=upload.size,
        date_format=date_format,
    )
    try:
        with transaction.atomic():  # the stored file and its job row exist together or not
            job.file.save(f"upload{Path(upload.name).suffix.lower()}", upload, save=False)
            job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    import_start(job)  # committed first: a request that dies now leaves a job to recover
    return job


def import_apply(*, job: ImportJob, user, skip_errors: bool) -> ImportJob:
    """Import a previewed job (at once when small, else in a worker): all or nothing, or
    without its bad rows when `skip_errors`. ApplyRefused when the file has bad rows and
    leaving them out was not asked, or the job is not a finished preview with its upload
    (already imported, still running, or expired): then nothing changes."""
    if job.report.get("errors") and not skip_errors:
        raise ApplyRefused("The file has bad rows: import without them, or fix the file.")
    if not import_apply_start(job, user=user, skip_errors=skip_errors):
        raise ApplyRefused("That file has already been imported or is not ready.")
    return job


def upload_orphans_delete(now=None) -> int:
    """Delete stored uploads that no import job refers to, older than GRACE; returns how many."""
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = (now or timezone.now()) - GRACE
    kept = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    count = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if path not in kept and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            count += 1
    return count


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


def uploads_expire(now=None) -> int:
    """Hourly: the uploads of expired previews, and those no job refers to (older than GRACE);
    returns how many previews' uploads were deleted."""
    orphans = upload_orphans_delete(now)
    if orphans:
        log.warning("deleted %s stored uploads that no import job refers to", orphans)
    return import_expire(now)
