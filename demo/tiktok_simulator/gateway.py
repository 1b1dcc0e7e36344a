"""The checks TikTok's gateway makes before an Open API call reaches the business logic, in
the order it is believed to make them (docs/tiktok-simulator.md), and its rate limit."""

import re
import threading
import time
from dataclasses import dataclass, field

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.after_sales import path_template
from demo.tiktok_simulator.signing import request_sign_valid

VERSIONED_PATH = re.compile(r"^/(?P<category>[a-z_]+)/(?P<version>\d{6})/(?P<rest>.+)$")


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: bytes
    headers: dict  # lower-case names
    shop: object = None  # the SimShop named by shop_cipher, once checked
    grant: object = None


@dataclass
class TokenBucket:
    """`rate` calls a second with bursts of as many, per key (0: no limit)."""

    rate: float
    buckets: dict = field(default_factory=dict)  # key -> (tokens, last refill)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key) -> bool:
        if not self.rate:
            return True
        now = time.monotonic()
        capacity = max(self.rate, 1.0)
        with self.lock:
            tokens, last = self.buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self.buckets[key] = (tokens, now)
                self.refused += 1
                return False
            self.buckets[key] = (tokens - 1, now)
            return True


def _route_error(call: Call) -> str | None:
    route = path_template(call.path)  # a path with ids in it: its endpoint's template
    if route in c.LEGACY_TRANSACTION_PATHS:  # blocked since 2025-12-31
        return "invalid_version"
    if (call.method, route) in c.ENDPOINTS:
        return None
    if any(path == route for _, path in c.ENDPOINTS):
        return "invalid_method"
    match = VERSIONED_PATH.match(call.path)
    if match:
        for _, path in c.ENDPOINTS:
            known = VERSIONED_PATH.match(path)
            if known and (known["category"], known["rest"]) == (match["category"], match["rest"]):
                return "invalid_version"
    return "invalid_path"


def _timestamp_error(call: Call, now: float) -> str | None:
    value = call.query.get("timestamp", "")
    if not value.isdigit():
        return "invalid_timestamp"
    if not now - c.TIMESTAMP_PAST <= int(value) <= now + c.TIMESTAMP_FUTURE:
        return "invalid_timestamp"
    return None


def gateway_check(call: Call, *, accounts, limiter: TokenBucket, now: float) -> str | None:
    """The name of the first error TikTok would answer (constants.ERRORS), or None."""
    error = _route_error(call)
    if error:
        return error
    if call.query.get("app_key") != accounts.app_key:
        return "invalid_app_key"
    error = _timestamp_error(call, now)
    if error:
        return error
    sign = call.query.get("sign")
    if not sign:
        return "missing_sign"
    if not request_sign_valid(call.path, call.query, call.body, accounts.app_secret, sign):
        return "invalid_sign"
    error, call.grant = accounts.access_check(call.headers.get("x-tts-access-token"), now)
    if error:
        return error
    route = path_template(call.path)
    scope, shop_scoped = c.ENDPOINTS[(call.method, route)]
    if scope not in call.grant.scopes:
        return "missing_scope"
    cipher = call.query.get("shop_cipher")
    if shop_scoped and not cipher:
        return "missing_cipher"
    if not shop_scoped and cipher is not None:
        return "unexpected_cipher"
    if shop_scoped:
        call.shop = accounts.shop_by_cipher(cipher)
        if call.shop is None:
            return "token_not_for_shop"
    if call.method in ("POST", "PUT") and not call.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return "content_type"
    key = (accounts.app_key, cipher, route if c.RATE_LIMIT_PER_ENDPOINT else None)
    if not limiter.take(key):
        return "rate_limited"
    return None
