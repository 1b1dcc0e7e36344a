"""AfterShip Tracking API 2025-01 (docs/tracking.md): create, list, `tracking_update` pushes.

Every call carries the key in the `as-api-key` header and answers `{"meta": {"code": …},
"data": …}`. A tracking is created one number per `POST /trackings`; `GET /trackings` reads up to
50 numbers a call (`tracking_numbers=a,b,c`). Pushes are signed with
`aftership-hmac-sha256 = base64(HMAC-SHA256(body, webhook secret))`.
"""

import base64
import hashlib
import hmac
import logging
import math
import time
from datetime import date

import requests

from orders.statuses import TrackingStatus
from tracking.carriers.base import (
    TIMEOUT_SECONDS,
    BadSignature,
    BadWebhook,
    Checkpoint,
    ProviderError,
    RateLimited,
    TrackingUpdate,
    aware_time,
    day_of,
    json_body,
    signature_matches,
)

log = logging.getLogger(__name__)

# AfterShip's tags (enum/delivery-statuses) → ours; returns are told apart by subtag.
TAGS = {
    "Pending": TrackingStatus.PENDING,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "AvailableForPickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "AttemptFail": TrackingStatus.ATTEMPT_FAIL,
    "Delivered": TrackingStatus.DELIVERED,
    "Exception": TrackingStatus.EXCEPTION,
    "Expired": TrackingStatus.EXPIRED,
}
# enum/delivery-sub-statuses: Exception_010 "Returning to sender" (on its way back),
# Exception_011 "Returned to sender" (received back by the sender).
SUBTAGS = {
    "Exception_010": TrackingStatus.RETURNING,
    "Exception_011": TrackingStatus.RETURNED,
}
# A tag we do not know is kept raw and shown as an exception: a person looks at it, and
# nothing is ever marked delivered by mistake.
UNKNOWN = TrackingStatus.EXCEPTION
OK_CODES = {200, 201}
ALREADY_EXISTS = 4003  # POST /trackings for a number AfterShip already tracks (HTTP 400)
# `X-RateLimit-Reset` is documented as a Unix time; a smaller number can only be seconds.
UNIX_TIME_AFTER = 1_000_000_000


class Rejected(ProviderError):
    """An HTTP 4xx answer that says why in `meta.code`."""

    def __init__(self, message: str, meta_code):
        super().__init__(message)
        self.meta_code = meta_code


def normalized(tag: str | None, subtag: str | None) -> TrackingStatus:
    # A provider's JSON may hold anything there (a list is not even hashable): not a word we
    # know, so unknown.
    tag, subtag = (v if isinstance(v, str) else None for v in (tag, subtag))
    if subtag in SUBTAGS:
        return SUBTAGS[subtag]
    if tag not in TAGS:
        log.warning("aftership: unknown tag %r / %r, kept raw", tag, subtag)
    return TAGS.get(tag or "", UNKNOWN)


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def retry_after(headers) -> float | None:
    """Seconds to wait after a 429: `Retry-After`, else until `X-RateLimit-Reset`."""
    seconds = _seconds(headers.get("Retry-After"))
    if seconds is not None:
        return seconds
    reset = _seconds(headers.get("X-RateLimit-Reset"))
    if reset is not None and reset > UNIX_TIME_AFTER:
        return max(0.0, reset - time.time())
    return reset


def _place(checkpoint: dict) -> str:
    if checkpoint.get("location"):
        return str(checkpoint["location"])
    parts = (checkpoint.get(key) for key in ("city", "state", "country_region"))
    return ", ".join(str(part) for part in parts if part)


def _estimated_delivery(tracking: dict) -> date | None:
    """The carrier's estimate first, then AfterShip's own, then the legacy field."""
    for key in ("courier_estimated_delivery_date", "aftership_estimated_delivery_date"):
        estimate = tracking.get(key)
        if isinstance(estimate, dict):
            day = day_of(estimate.get("estimated_delivery_date"))
            if day:
                return day
    return day_of(tracking.get("expected_delivery"))


def parse_tracking(number: str, tracking: dict, *, event_id: str = "") -> TrackingUpdate:
    """One tracking object → an update; bad checkpoints are skipped, never guessed."""
    if not isinstance(tracking, dict):
        raise ProviderError(f"aftership: tracking {number} is not an object")
    checkpoints = []
    events = tracking.get("checkpoints") or []
    for event in events if isinstance(events, list) else []:
        event = event if isinstance(event, dict) else {}
        occurred = aware_time(event.get("checkpoint_time"))
        if occurred is None:
            log.warning("aftership: %s checkpoint without a usable time skipped: %r", number, event)
            continue
        checkpoints.append(
            Checkpoint(
                occurred_at=occurred,
                status=normalized(event.get("tag"), event.get("subtag")),
                message=str(event.get("message") or "")[:255],
                location=_place(event)[:160],
                substatus=str(event.get("subtag") or "")[:64],
                raw=event,
            )
        )
    return TrackingUpdate(
        tracking_number=number,
        status=normalized(tracking.get("tag"), tracking.get("subtag")),
        raw_status=str(tracking.get("tag") or ""),
        substatus=str(tracking.get("subtag") or "")[:64],
        checkpoints=tuple(checkpoints),
        estimated_delivery=_estimated_delivery(tracking),
        event_id=event_id,
    )


def _header(headers, name: str) -> str | None:
    """A header by name, whatever its case (Django's `request.headers` or a plain dict)."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class AfterShip:
    code = "aftership"
    batch_size = 50  # GET /trackings: "supports up to 50 tracking numbers"
    rate_per_second = 6.0  # GET /trackings; POST /trackings allows 20

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str = "",
        base_url: str = "https://api.aftership.com/tracking/2025-01",
    ):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def _call(self, method: str, endpoint: str, **kwargs) -> dict:
        try:
            response = self.session.request(
                method,
                f"{self.base_url}/{endpoint}",
                headers={"as-api-key": self.api_key},
                timeout=TIMEOUT_SECONDS,
                **kwargs,
            )
        except requests.RequestException as error:
            raise ProviderError(f"{self.code} {endpoint}: {error.__class__.__name__}") from None
        if response.status_code == 429:
            raise RateLimited(retry_after=retry_after(response.headers))
        try:
            data = response.json()
        except ValueError:
            data = None
        meta = data.get("meta") if isinstance(data, dict) else None
        meta_code = meta.get("code") if isinstance(meta, dict) else None
        if 400 <= response.status_code < 500 and meta_code is not None:
            raise Rejected(
                f"{self.code} {endpoint}: HTTP {response.status_code}, code {meta_code!r}",
                meta_code,
            )
        if response.status_code >= 400:
            raise ProviderError(f"{self.code} {endpoint}: HTTP {response.status_code}")
        if data is None:
            raise ProviderError(f"{self.code} {endpoint}: the answer is not JSON")
        if meta_code not in OK_CODES or not isinstance(data.get("data"), dict):
            raise ProviderError(f"{self.code} {endpoint}: code {meta_code!r}")
        return data["data"]

    def register(self, tracking_numbers: list[str]) -> None:
        for number in tracking_numbers:
            try:
                self._call("POST", "trackings", json={"tracking_number": number})
            except Rejected as error:
                if error.meta_code == ALREADY_EXISTS:
                    continue  # already tracked, which is what we wanted
                # 40xx codes concern this one number (invalid, courier not detected): the
                # others still get registered. 400/401/403/404 concern every call: raise.
                if not isinstance(error.meta_code, int) or error.meta_code < 4000:
                    raise
                log.warning("%s register rejected %r: %s", self.code, number, error)

    def fetch(self, tracking_numbers: list[str]) -> list[TrackingUpdate]:
        if len(tracking_numbers) > self.batch_size:
            raise ValueError(f"at most {self.batch_size} numbers per call")
        # One number may be tracked under several couriers, hence a page larger than the batch.
        data = self._call(
            "GET",
            "trackings",
            params={"tracking_numbers": ",".join(tracking_numbers), "limit": 200},
        )
        trackings = data.get("trackings")
        if not isinstance(trackings, list):
            raise ProviderError(f"{self.code} trackings: no data.trackings list")
        updates, seen = [], set()
        for tracking in trackings:
            number = (
                str(tracking.get("tracking_number") or "") if isinstance(tracking, dict) else ""
            )
            if number not in tracking_numbers:
                log.warning("%s answered for a number not asked for: %r", self.code, number)
                continue
            if number in seen:
                log.warning("%s answered twice for %r, the first kept", self.code, number)
                continue
            seen.add(number)
            try:
                updates.append(parse_tracking(number, tracking))
            except ProviderError as error:
                log.warning("%s", error)
        return updates

    def signature(self, body: bytes) -> str:
        digest = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def parse_webhook(self, body: bytes, headers: dict) -> list[TrackingUpdate]:
        if not self.webhook_secret:
            raise BadSignature("no webhook secret configured")  # an empty key signs anything
        if not signature_matches(self.signature(body), _header(headers, "aftership-hmac-sha256")):
            raise BadSignature("bad or missing signature")
        payload = json_body(body)
        if payload.get("event") != "tracking_update":
            return []  # edd_revise, tracking_pending_time, … carry nothing to store
        msg = payload.get("msg")
        if not isinstance(msg, dict) or not msg.get("tracking_number"):
            raise BadWebhook("no msg.tracking_number")
        # AfterShip sends a UUID per notification; without one, the body's hash identifies a
        # repeated delivery.
        event_id = str(payload.get("event_id") or "") or hashlib.sha256(body).hexdigest()
        try:
            return [parse_tracking(str(msg["tracking_number"]), msg, event_id=event_id)]
        except ProviderError as error:
            raise BadWebhook(str(error)) from None
