"""Email to the requester of a scheduled export when its file is ready, or when it failed."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import ngettext

from exports.models import ExportJob, ExportStatus


def export_notify(job: ExportJob) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("exports:detail", args=[job.pk])
    name = job.schedule.name if job.schedule_id else f"Export #{job.pk}"
    if job.status == ExportStatus.DONE:
        subject = f"Your export “{name}” is ready"
        body = (
            f"{_count(job.rows_total, 'row', 'rows')}, {_count(job.size_bytes, 'byte', 'bytes')} "
            f"(SHA-256 {job.sha256}).\n\n"
            f"Download it here (sign-in required): {link}\n\n"
            f"The file is deleted on {job.expires_at:%Y-%m-%d}."
        )
    else:
        subject = f"Your export “{name}” failed"
        body = f"{job.error}\n\nSee it and retry here: {link}"
    send_mail(subject, body, None, [job.requested_by.email])


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {ngettext(one, many, n)}"
