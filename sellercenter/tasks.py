"""Tasks that report on the task system itself (used by /healthz)."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

BEAT_HEARTBEAT_KEY = "sellercenter:beat-heartbeat"


@shared_task(name="sellercenter.tasks.ping")
def ping() -> str:
    """Answer a liveness probe; a reply proves a worker consumed the default queue."""
    return "pong"


@shared_task(name="sellercenter.tasks.beat_heartbeat")
def beat_heartbeat() -> str:
    """Record that beat scheduled and a worker ran this task, for /healthz."""
    stamp = timezone.now().isoformat()
    cache.set(BEAT_HEARTBEAT_KEY, stamp, timeout=3600)
    return stamp
