"""The AfterShip adapter's webhooks: an update is taken only with AfterShip's HMAC signature of
the body, read from Django's request headers, and identified by its event id or its body."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from django.http.request import HttpHeaders

from orders.statuses import TrackingStatus as T
from tests.tracking.aftership_payloads import (
    EVENT_ID,
    KEY,
    SECRET,
    checkpoint,
    tracking,
)
from tracking.carriers.aftership import AfterShip
from tracking.exceptions import BadWebhook


def push(msg, *, event="tracking_update", **fields):
    payload = {"event": event, "event_id": EVENT_ID, "is_tracking_first_tag": False, "ts": 1}
    return {**payload, "msg": msg, **fields}


def signed(body: bytes, secret: str = SECRET) -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {"aftership-hmac-sha256": base64.b64encode(digest).decode()}


DELIVERED = tracking(
    "AS1",
    "Delivered",
    "Delivered_001",
    [checkpoint("2025-03-05T14:02:00-08:00", "Delivered", "Delivered_001", "Delivered")],
)


def test_webhook_with_a_correct_signature_gives_the_update_and_its_event_id():
    body = json.dumps(push(DELIVERED)).encode()
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    [update] = adapter.parse_webhook(body, signed(body))

    assert (update.tracking_number, update.status, update.event_id) == (
        "AS1",
        T.DELIVERED,
        EVENT_ID,
    )
    assert update.checkpoints[0].occurred_at == datetime(2025, 3, 5, 22, 2, tzinfo=UTC)


def test_webhook_signature_header_is_read_from_django_request_headers():
    body = json.dumps(push(DELIVERED)).encode()
    meta = {"HTTP_AFTERSHIP_HMAC_SHA256": signed(body)["aftership-hmac-sha256"]}
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    assert len(adapter.parse_webhook(body, HttpHeaders(meta))) == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: signed(body, "another-secret"), id="other secret"),
        pytest.param(lambda body: signed(body + b" "), id="other body"),
        pytest.param(lambda body: {"aftership-hmac-sha256": ""}, id="empty"),
        pytest.param(lambda body: {}, id="missing"),
        pytest.param(
            lambda body: {
                "aftership-hmac-sha256": hmac.new(SECRET.encode(), body, "sha256").hexdigest()
            },
            id="hex instead of base64",
        ),
    ],
)
def test_webhook_with_a_wrong_or_missing_signature_is_rejected(headers):
    body = json.dumps(push(DELIVERED)).encode()
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    with pytest.raises(BadWebhook, match="signature"):
        adapter.parse_webhook(body, headers(body))


def test_webhook_is_rejected_when_no_secret_is_configured():
    body = json.dumps(push(DELIVERED)).encode()
    adapter = AfterShip(api_key=KEY)

    with pytest.raises(BadWebhook, match="no webhook secret"):
        adapter.parse_webhook(body, signed(body, ""))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"event": "tracking_update", "msg": ', "not JSON"),
        (b'["tracking_update"]', "not a JSON object"),
        (json.dumps({"event": "tracking_update", "event_id": EVENT_ID}).encode(), "msg"),
        (json.dumps(push("AS1")).encode(), "msg"),
        (json.dumps(push({"tag": "Delivered"})).encode(), "msg"),
    ],
)
def test_webhook_with_a_signed_but_unusable_body_is_rejected(body, match):
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    with pytest.raises(BadWebhook, match=match):
        adapter.parse_webhook(body, signed(body))


def test_webhook_other_events_carry_nothing():
    body = json.dumps(push({"tracking_number": "AS1"}, event="edd_revise")).encode()
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    assert adapter.parse_webhook(body, signed(body)) == []


def test_webhook_without_an_event_id_is_identified_by_its_body():
    body = json.dumps(push(DELIVERED, event_id=None)).encode()
    adapter = AfterShip(api_key=KEY, webhook_secret=SECRET)

    [update] = adapter.parse_webhook(body, signed(body))

    assert update.event_id == hashlib.sha256(body).hexdigest()
