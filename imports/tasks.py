"""Import tasks (default queue): ids in, one service each (`imports/jobs.py`,
`imports/uploads.py`).

Their registered names keep the `orders.tasks.` prefix they had before imports was an app,
so beat entries and queued messages from before the move still find them.
"""

from celery import shared_task
from django.conf import settings

from imports.bounds import memory_budget
from imports.jobs import import_recover, import_run
from imports.uploads import uploads_expire


@shared_task(
    name="orders.tasks.import_run_task",
    soft_time_limit=settings.IMPORT_TIME_LIMIT_SECONDS,
    time_limit=settings.IMPORT_TIME_LIMIT_SECONDS + 60,
)
def import_run_task(job_id: int) -> None:
    """A large file's preview or import, one transaction, progress in the cache, within a time
    budget (the limits above) and a memory budget (a bomb that slipped past the reading bounds
    fails the job instead of holding the worker at GBs). No retry: recovery queues a lost run
    again, up to IMPORT_MAX_ATTEMPTS."""
    with memory_budget(settings.IMPORT_MEMORY_BUDGET_BYTES):
        import_run(job_id)


@shared_task(name="orders.tasks.import_recover_task")
def import_recover_task() -> dict:
    """Every minute: restart imports whose worker was lost, or fail them after the last try."""
    return import_recover().counts()


@shared_task(name="orders.tasks.import_expire_task")
def import_expire_task() -> int:
    """Hourly: uploads previewed but never applied are deleted after IMPORT_RETENTION_DAYS,
    and uploads that never got their job row (a killed request) after an hour."""
    return uploads_expire()
