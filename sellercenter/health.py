"""/healthz: database, broker, worker and beat liveness as JSON (docs/operations.md)."""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sellercenter.celery import app
from sellercenter.tasks import BEAT_HEARTBEAT_KEY, ping


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:  # a health probe reports every failure instead of raising
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}"[:300],
            "ms": round((time.monotonic() - started) * 1000),
        }
    return {"ok": True, **(detail or {}), "ms": round((time.monotonic() - started) * 1000)}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _broker() -> dict:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"transport": str(conn.transport_cls)}


def _worker() -> dict:
    result = ping.apply_async(expires=settings.HEALTHZ_WORKER_TIMEOUT + 5)
    try:
        reply = result.get(timeout=settings.HEALTHZ_WORKER_TIMEOUT, propagate=True)
    finally:
        result.forget()
    if reply != "pong":
        raise RuntimeError(f"unexpected reply {reply!r}")
    return {}


def _beat() -> dict:
    """Informational: beat is alive when its heartbeat task ran in the last five minutes."""
    stamp = cache.get(BEAT_HEARTBEAT_KEY)
    if stamp is None:
        raise RuntimeError("no heartbeat from beat yet")
    if timezone.now() - datetime.fromisoformat(stamp) > timedelta(minutes=5):
        raise RuntimeError(f"last heartbeat at {stamp}")
    return {"last_seen": stamp}


def _tracking() -> dict:
    """Informational: each tracking provider, "degraded" while it keeps failing (paused)."""
    from accounts.tracking_providers import configured_providers
    from tracking.services.poll import provider_health

    return {
        code: "degraded" if provider_health(code)["paused"] else "ok"
        for code in configured_providers()
    }


def _tiktok() -> dict:
    """Informational: each TikTok connection's sync lag and failure; TikTok being down must
    not take the portal out of its load balancer."""
    from tiktok.selectors import connections_health

    return {"connections": connections_health()}


def _replica() -> dict:
    """Informational: the read replica, when one is configured. The read views fall back to
    the primary by themselves while it is down (docs/scaling.md "Read replicas")."""
    from orders.replica import replica_status

    return replica_status()


@never_cache
@require_GET
def healthz(request):
    """200 when the database, broker and a worker answer; 503 naming what failed otherwise."""
    checks = {"database": _timed(_database), "broker": _timed(_broker)}
    checks["worker"] = (
        _timed(_worker) if checks["broker"]["ok"] else {"ok": False, "error": "broker unavailable"}
    )
    beat = _timed(_beat)  # reported, but beat being down does not fail the probe
    tracking = _timed(_tracking)  # likewise a degraded tracking provider
    tiktok = _timed(_tiktok)  # and a TikTok sync that lags or fails
    replica = _timed(_replica) if settings.REPLICA_ALIAS else None  # and the read replica
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": checks,
            "beat": beat,
            "tracking": tracking,
            "tiktok": tiktok,
            **({"replica": replica} if replica else {}),
        },
        status=200 if healthy else 503,
    )
