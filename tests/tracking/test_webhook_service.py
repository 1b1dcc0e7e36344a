"""The carrier webhook's door: the service refuses with WebhookRefused and records nothing; a
bad signature is told by its exception (BadSignature), never by the words of a message; the
view answers what the service decided."""

import hashlib
import json

import pytest

from tracking.exceptions import BadSignature, BadWebhook, WebhookRefused
from tracking.models import TrackingWebhookEvent
from tracking.services.webhooks import tracking_webhook_receive

pytestmark = pytest.mark.django_db
KEY = "test-simulator-key"
URL = "/webhooks/carriers/simulator/"


@pytest.fixture(autouse=True)
def _simulator_key(settings):
    settings.TRACKING_SIMULATOR_KEY = KEY


def _signed(number: str, track_info) -> tuple[bytes, str]:
    raw = json.dumps(
        {"event": "TRACKING_UPDATED", "data": {"number": number, "track_info": track_info}}
    ).encode()
    return raw, hashlib.sha256(raw + b"/" + KEY.encode()).hexdigest()


def _receive(raw: bytes, sign: str):
    return tracking_webhook_receive(
        provider="simulator", body=raw, headers={"sign": sign}, content_type="application/json"
    )


def test_a_bad_signature_is_its_own_kind_of_bad_webhook():
    assert issubclass(BadSignature, BadWebhook) and issubclass(BadWebhook, ValueError)


def test_a_forged_signature_is_refused_with_401_and_records_nothing(
    django_capture_on_commit_callbacks,
):
    raw, _ = _signed("SIM000000001", {"latest_status": {"status": "InTransit"}})
    with (
        django_capture_on_commit_callbacks(execute=False) as queued,
        pytest.raises(WebhookRefused) as refused,
    ):
        _receive(raw, "0" * 64)
    assert (refused.value.status, str(refused.value)) == (401, "Bad signature.")
    assert not TrackingWebhookEvent.objects.exists() and not queued


def test_a_signed_body_that_only_mentions_a_signature_is_unreadable_not_forged(client):
    """The adapter's message names the tracking number, here "signature": still a 400."""
    raw, sign = _signed("signature", "not an object")
    with pytest.raises(WebhookRefused) as refused:
        _receive(raw, sign)
    assert (refused.value.status, str(refused.value)) == (400, "Unreadable notification.")
    response = client.post(URL, raw, content_type="application/json", HTTP_SIGN=sign)
    assert (response.status_code, response.content) == (400, b"Unreadable notification.")
    assert response["Content-Type"] == "text/plain"
    assert not TrackingWebhookEvent.objects.exists()


def test_an_accepted_notification_is_recorded_once_by_its_event_id(
    client, django_capture_on_commit_callbacks
):
    raw, sign = _signed("SIM000000001", {"latest_status": {"status": "InTransit"}})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        receipt = _receive(raw, sign)
    assert (receipt.updates, receipt.duplicate, len(queued)) == (1, False, 1)
    event = TrackingWebhookEvent.objects.get()
    assert (event.provider, event.event_id) == ("simulator", hashlib.sha256(raw).hexdigest())
    assert _receive(raw, sign).duplicate and TrackingWebhookEvent.objects.count() == 1
    replay = client.post(URL, raw, content_type="application/json", HTTP_SIGN=sign)
    assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
    forged = client.post(URL, raw, content_type="application/json", HTTP_SIGN="0" * 64)
    assert (forged.status_code, forged.content) == (401, b"Bad signature.")
