"""One POST of a delivery: signed, timed out, never following a redirect (docs/webhooks.md)."""

import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from webhooks.signing import signature_header
from webhooks.targets import TargetRefused, target_check

EXCERPT = 500
_local = threading.local()


def _session() -> requests.Session:
    """One session per thread, so connections to an endpoint are kept alive between
    deliveries (a worker's thread sends one delivery at a time)."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


@dataclass
class Answer:
    ok: bool
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""


def _excerpt(response: requests.Response, deadline: float) -> str:
    """The start of the body, read for no longer than the time left (a slow body is cut)."""
    data = b""
    for chunk in response.iter_content(chunk_size=512):
        data += chunk
        if len(data) >= EXCERPT * 4 or time.monotonic() > deadline:
            break
    return data.decode("utf-8", "replace")[:EXCERPT]


def post_signed(*, url: str, secret: str, event_id: str, body: str) -> Answer:
    """POST `body` to `url`; a 2xx is delivered, anything else (a redirect too) is not."""
    started = time.monotonic()
    total = settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target_check(url)
    except TargetRefused as refused:
        return Answer(False, None, elapsed(), error=str(refused)[:255])
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SellerCenter-Webhooks/1",
        "Seller-Center-Event-Id": event_id,
        "Seller-Center-Timestamp": str(timestamp),
        "Seller-Center-Signature": signature_header(secret, timestamp, body),
    }
    try:
        with _session().post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=(settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS, total),
            allow_redirects=False,
            stream=True,
        ) as response:
            excerpt = _excerpt(response, started + total)
            code = response.status_code
    except requests.Timeout:
        return Answer(False, None, elapsed(), error="No answer in time (timed out).")
    except requests.RequestException as error:
        return Answer(False, None, elapsed(), error=f"Could not connect: {type(error).__name__}.")
    if 300 <= code < 400:
        return Answer(False, code, elapsed(), excerpt, error="Redirects are not followed.")
    ok = 200 <= code < 300
    return Answer(ok, code, elapsed(), excerpt, "" if ok else f"The endpoint answered {code}.")
