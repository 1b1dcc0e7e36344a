"""Calls to a provider spaced evenly across every worker: a cell-rate limiter in Redis.

Each caller reserves the next free slot (one every 1/rate seconds) with a small Lua script on
Redis's own clock, then sleeps until it: no bursts, no clock skew between machines, and the
same rate however many workers there are. Without Redis (the embedded default, one machine)
the slots are kept in this process.
"""

import threading
import time
from functools import cache

from django.conf import settings

# KEYS[1]: the provider's key. ARGV[1]: milliseconds between calls. Returns ms to wait.
_RESERVE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or now_ms)
if slot < now_ms then slot = now_ms end
redis.call('SET', KEYS[1], slot + interval, 'PX', slot - now_ms + interval + 1000)
return slot - now_ms
"""
_local_next: dict[str, float] = {}
_local_lock = threading.Lock()


@cache
def _redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    return client.register_script(_RESERVE)


def rate_wait(provider: str, per_second: float) -> float:
    """Sleep until this caller's turn to call `provider`; returns the seconds waited."""
    interval = 1.0 / per_second
    if settings.REDIS_URL:
        wait = _redis()(keys=[f"tracking:rate:{provider}"], args=[round(interval * 1000)]) / 1000
    else:
        with _local_lock:
            now = time.monotonic()
            slot = max(now, _local_next.get(provider, now))
            _local_next[provider] = slot + interval
            wait = slot - now
    if wait > 0:
        time.sleep(wait)
    return wait
