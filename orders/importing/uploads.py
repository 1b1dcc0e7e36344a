"""Uploads left in storage without a job: a request killed between storing the file and
committing its job row (a moment, but a kill can land there) leaves one behind."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import ImportJob

FOLDER = "imports"
GRACE = timedelta(hours=1)  # a file this young may still be on its way into a job row


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
