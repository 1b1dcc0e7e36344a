"""One POST of a delivery: signed, timed out, never following a redirect, and sent to the
address the target check accepted (`webhooks.targets.Target`), never to a fresh lookup of
the name (docs/webhooks.md)."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import urllib3
from django.conf import settings
from requests.certs import where as ca_bundle
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError

from webhooks.signing import signature_header
from webhooks.targets import Target

EXCERPT = 500
POOLS_PER_THREAD = 32
_local = threading.local()


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    """A keep-alive connection per (address, name) and thread: the socket is opened to the
    checked address, TLS names and verifies the host name."""
    pools = _local.__dict__.setdefault("pools", OrderedDict())
    key = (target.scheme, target.address, target.port, target.host)
    if key in pools:
        pools.move_to_end(key)
        return pools[key]
    if len(pools) >= POOLS_PER_THREAD:
        pools.popitem(last=False)[1].close()
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_bundle(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, maxsize=1, retries=False)
    pools[key] = pool
    return pool


@dataclass
class Answer:
    ok: bool
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""


def _excerpt(response: urllib3.BaseHTTPResponse, deadline: float) -> str:
    """The start of the body, read for no longer than the time left (a slow body is cut); the
    connection goes back for the next delivery only when the body was read to its end."""
    data, whole = b"", False
    try:
        while len(data) < EXCERPT * 4 and time.monotonic() <= deadline:
            chunk = response.read(512)
            if not chunk:
                whole = True
                break
            data += chunk
    finally:
        if not whole:
            response.close()
        response.release_conn()
    return data.decode("utf-8", "replace")[:EXCERPT]


def post_signed(*, target: Target, secret: str, event_id: str, body: str) -> Answer:
    """POST `body` to `target`; a 2xx is delivered, anything else (a redirect too) is not."""
    started = time.monotonic()
    total = settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    timestamp = int(time.time())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": "SellerCenter-Webhooks/1",
        "Seller-Center-Event-Id": event_id,
        "Seller-Center-Timestamp": str(timestamp),
        "Seller-Center-Signature": signature_header(secret, timestamp, body),
    }
    try:
        response = _pool(target).urlopen(
            "POST",
            target.path,
            body=body.encode(),
            headers=headers,
            timeout=urllib3.Timeout(connect=settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS, read=total),
            redirect=False,
            retries=False,
            preload_content=False,
            release_conn=False,
        )
        code = response.status
        excerpt = _excerpt(response, started + total)
    except HTTPError as error:  # a refused connection is a TimeoutError subclass too
        if isinstance(error, TimeoutError) and not isinstance(error, NewConnectionError):
            return Answer(False, None, elapsed(), error="No answer in time (timed out).")
        return Answer(False, None, elapsed(), error=f"Could not connect: {type(error).__name__}.")
    if 300 <= code < 400:
        return Answer(False, code, elapsed(), excerpt, error="Redirects are not followed.")
    ok = 200 <= code < 300
    return Answer(ok, code, elapsed(), excerpt, "" if ok else f"The endpoint answered {code}.")
