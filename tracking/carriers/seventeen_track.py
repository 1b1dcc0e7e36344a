"""17TRACK API v2.2 (docs/tracking.md): register, gettrackinfo, TRACKING_UPDATED pushes.

Requests are POSTed JSON lists of `{"number": …}` with the key in the `17token` header; at most
40 numbers a call; answers carry `data.accepted[]` and `data.rejected[]`. Pushes are signed with
`sign = sha256(body + "/" + key)`. The simulated carrier (`manage.py carrier_simulator`)
speaks this same protocol, so this adapter also serves the provider code `simulator`.
"""

import hashlib
import logging

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

# 17TRACK's main statuses → ours; returns are told apart by sub-status.
STATUSES = {
    "NotFound": TrackingStatus.PENDING,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "AvailableForPickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "DeliveryFailure": TrackingStatus.ATTEMPT_FAIL,
    "Delivered": TrackingStatus.DELIVERED,
    "Exception": TrackingStatus.EXCEPTION,
    "Expired": TrackingStatus.EXPIRED,
}
SUBSTATUSES = {
    "Exception_Returning": TrackingStatus.RETURNING,
    "Exception_Returned": TrackingStatus.RETURNED,
}
# A status we do not know is kept raw and shown as an exception: a person looks at it, and
# nothing is ever marked delivered by mistake.
UNKNOWN = TrackingStatus.EXCEPTION
QUOTA_CODES = {4031, -18019909}


def normalized(status: str | None, substatus: str | None) -> TrackingStatus:
    # A provider's JSON may hold anything there (a list is not even hashable): not a word we
    # know, so unknown.
    status, substatus = (v if isinstance(v, str) else None for v in (status, substatus))
    if substatus in SUBSTATUSES:
        return SUBSTATUSES[substatus]
    if status not in STATUSES:
        log.warning("17track: unknown status %r / %r, kept raw", status, substatus)
    return STATUSES.get(status or "", UNKNOWN)


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def parse_track_info(number: str, info: dict) -> TrackingUpdate:
    """One `track_info` object → an update; bad events are skipped, never guessed."""
    if not isinstance(info, dict):
        raise ProviderError(f"17track: track_info of {number} is not an object")
    latest = _object(info.get("latest_status"))
    checkpoints = []
    providers = _object(info.get("tracking")).get("providers")
    for provider in providers if isinstance(providers, list) else []:
        events = provider.get("events") if isinstance(provider, dict) else None
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, dict):
                log.warning("17track: %s event is not an object: %r", number, event)
                continue
            occurred = aware_time(event.get("time_iso")) or aware_time(event.get("time_utc"))
            if occurred is None:
                log.warning("17track: %s event without a usable time skipped: %r", number, event)
                continue
            checkpoints.append(
                Checkpoint(
                    occurred_at=occurred,
                    status=normalized(event.get("stage"), event.get("sub_status")),
                    message=str(event.get("description") or "")[:255],
                    location=str(event.get("location") or "")[:160],
                    substatus=str(event.get("sub_status") or "")[:64],
                    raw=event,
                )
            )
    metrics = _object(_object(info.get("time_metrics")).get("estimated_delivery_date"))
    return TrackingUpdate(
        tracking_number=number,
        status=normalized(latest.get("status"), latest.get("sub_status")),
        raw_status=str(latest.get("status") or ""),
        substatus=str(latest.get("sub_status") or "")[:64],
        checkpoints=tuple(checkpoints),
        estimated_delivery=day_of(metrics.get("to") or metrics.get("from")),
    )


class SeventeenTrack:
    code = "17track"
    batch_size = 40
    rate_per_second = 3.0

    def __init__(self, *, api_key: str, base_url: str = "https://api.17track.net/track/v2.2"):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def _post(self, endpoint: str, numbers: list[str]) -> dict:
        if len(numbers) > self.batch_size:
            raise ValueError(f"at most {self.batch_size} numbers per call")
        try:
            response = self.session.post(
                f"{self.base_url}/{endpoint}",
                json=[{"number": n} for n in numbers],
                headers={"17token": self.api_key},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise ProviderError(f"{self.code} {endpoint}: {error.__class__.__name__}") from None
        if response.status_code == 429:
            retry = response.headers.get("Retry-After")
            raise RateLimited(retry_after=float(retry) if retry and retry.isdigit() else None)
        if response.status_code >= 400:
            raise ProviderError(f"{self.code} {endpoint}: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise ProviderError(f"{self.code} {endpoint}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderError(f"{self.code} {endpoint}: unexpected answer")
        if data.get("code") in QUOTA_CODES:
            raise RateLimited(f"{self.code}: quota exceeded")
        if data.get("code") != 0 or not isinstance(data.get("data"), dict):
            raise ProviderError(f"{self.code} {endpoint}: code {data.get('code')!r}")
        return data["data"]

    def register(self, tracking_numbers: list[str]) -> None:
        for start in range(0, len(tracking_numbers), self.batch_size):
            data = self._post("register", tracking_numbers[start : start + self.batch_size])
            for item in data.get("rejected") or []:
                error = (item or {}).get("error") or {}
                # -18019901: already registered, which is what we wanted.
                if error.get("code") != -18019901:
                    log.warning("%s register rejected %r", self.code, item)

    def fetch(self, tracking_numbers: list[str]) -> list[TrackingUpdate]:
        data = self._post("gettrackinfo", tracking_numbers)
        updates = []
        for item in data.get("accepted") or []:
            number = str((item or {}).get("number") or "")
            if number not in tracking_numbers:
                log.warning("%s answered for a number not asked for: %r", self.code, number)
                continue
            try:
                updates.append(parse_track_info(number, item.get("track_info")))
            except ProviderError as error:
                log.warning("%s", error)
        return updates

    def signature(self, body: bytes) -> str:
        return hashlib.sha256(body + b"/" + self.api_key.encode()).hexdigest()

    def parse_webhook(self, body: bytes, headers: dict) -> list[TrackingUpdate]:
        if not signature_matches(self.signature(body), headers.get("sign")):
            raise BadSignature("bad or missing signature")
        payload = json_body(body)
        if payload.get("event") != "TRACKING_UPDATED":
            return []  # other events (TRACKING_STOPPED, …) carry nothing to store
        data = payload.get("data")
        if not isinstance(data, dict) or not data.get("number"):
            raise BadWebhook("no data.number")
        try:
            update = parse_track_info(str(data["number"]), data.get("track_info"))
        except ProviderError as error:
            raise BadWebhook(str(error)) from None
        # 17TRACK sends no event id: the body's hash identifies a repeated delivery.
        event_id = hashlib.sha256(body).hexdigest()
        return [
            TrackingUpdate(**{**update.__dict__, "event_id": event_id}),
        ]
