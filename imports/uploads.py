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
from imports.jobs import import_start
from imports.models import ImportJob
from imports.read import SheetFile, read_inline

log = logging.getLogger(__name__)
FOLDER = "imports"
GRACE = timedelta(hours=1)  # a file this young may still be on its way into a job row


def import_upload(*, shop: Shop, user, upload, date_format: str) -> ImportJob:
    """Keep an upload (that passed the form's cheap checks) with its new job and start the
    preview. A file small enough to read in the request has its header read first, so a
    refused one (UnreadableFile) is never stored; a large one's header is the worker's."""
    if read_inline(upload.file):
        upload.seek(0)
        with SheetFile(upload.read(), upload.name):
            pass
    job = ImportJob(
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
