"""Export tasks: ids in, one service each (`exports/jobs.py`, `exports/schedules.py`).

`export_run` acknowledges late: a message redelivered after a worker died finds its job
already claimed, or queued again by recovery, and the service's claim makes it a no-op.
"""

from celery import shared_task
from django.conf import settings

from exports.jobs import export_job_run, export_recover_lost, exports_expire
from exports.schedules import schedules_run_due


@shared_task(
    name="exports.tasks.export_run",
    acks_late=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT_SECONDS - 60,
    time_limit=settings.EXPORT_TIME_LIMIT_SECONDS,
)
def export_run(job_id: int) -> str:
    """Produce the job's file; no retry: recovery queues a lost run again."""
    return export_job_run(job_id=job_id)


@shared_task(name="exports.tasks.export_recover")
def export_recover() -> dict:
    """Every minute: requeue jobs whose worker was lost, fail them after too many tries."""
    return export_recover_lost().counts()


@shared_task(name="exports.tasks.export_expire")
def export_expire() -> int:
    """Delete jobs (and their files) past their expiry."""
    return exports_expire()


@shared_task(name="exports.tasks.export_schedules_run")
def export_schedules_run() -> int:
    return schedules_run_due()
