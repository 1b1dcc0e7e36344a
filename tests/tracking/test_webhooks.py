"""Carrier webhooks: a signed notification is recorded once and applied by the task; a
replay, a forgery, a body the worker could not store or a body that is not JSON is refused
at the door, and whatever arrives never fails."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.statuses import TrackingStatus
from tests.fuzzing import FUZZ
from tests.tracking.helpers import (
    KEY,
    PICKED_UP_EVENT,
    WEBHOOK_URL,
    pushed,
    sign,
    signed,
    tracked_package,
)
from tracking.models import TrackingCheckpoint, TrackingWebhookEvent


@pytest.mark.django_db
def test_webhook_accepts_dedups_and_refuses(
    client, shop, settings, django_capture_on_commit_callbacks
):
    from tracking.tasks import tracking_webhook_apply

    settings.TRACKING_SIMULATOR_KEY = KEY
    package = tracked_package(shop)
    raw, signature = signed(pushed(package.tracking_number, PICKED_UP_EVENT))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        accepted = client.post(
            WEBHOOK_URL, raw, content_type="application/json", HTTP_SIGN=signature
        )
    assert accepted.status_code == 202 and len(queued) == 1
    assert TrackingWebhookEvent.objects.count() == 1
    replay = client.post(WEBHOOK_URL, raw, content_type="application/json", HTTP_SIGN=signature)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    forged = client.post(WEBHOOK_URL, raw, content_type="application/json", HTTP_SIGN="0" * 64)
    assert forged.status_code == 401
    garbage = b"{not json"
    bad = client.post(
        WEBHOOK_URL, garbage, content_type="application/json", HTTP_SIGN=sign(garbage)
    )
    assert bad.status_code == 400
    assert (
        client.post("/webhooks/carriers/pigeon/", raw, content_type="application/json").status_code
        == 404
    )
    assert client.get(WEBHOOK_URL).status_code == 405
    assert TrackingWebhookEvent.objects.count() == 1

    # The task stores it; an unknown tracking number is ignored with a log line.
    result = tracking_webhook_apply("simulator", raw.decode(), {"sign": signature})
    assert result == {"applied": 1, "ignored": 0}
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.IN_TRANSIT
    stranger, stranger_sign = signed(pushed("UNKNOWN123", PICKED_UP_EVENT))
    assert tracking_webhook_apply("simulator", stranger.decode(), {"sign": stranger_sign}) == {
        "applied": 0,
        "ignored": 1,
    }


def _hostile_bodies(number: str) -> dict[str, bytes]:
    """Signed bodies the worker could not store: each is refused at the door."""
    with_nul = pushed(number, {**PICKED_UP_EVENT, "description": "Picked\x00 up"})
    nul_number = pushed(number + "\x00", PICKED_UP_EVENT)
    escape = pushed(number, {**PICKED_UP_EVENT, "location": "\x1b[2J"})
    key_nul = pushed(number, {**PICKED_UP_EVENT, "extra\x00": "x"})
    return {
        "escaped NUL in a checkpoint": json.dumps(with_nul).encode(),
        "escaped NUL in the tracking number": json.dumps(nul_number).encode(),
        "escape character in a location": json.dumps(escape).encode(),
        "NUL in a key": json.dumps(key_nul).encode(),
        "raw NUL byte": json.dumps(pushed(number, PICKED_UP_EVENT)).encode() + b"\x00",
        "UTF-16": json.dumps(pushed(number, PICKED_UP_EVENT)).encode("utf-16"),
        "invalid UTF-8": b'{"event": "TRACKING_UPDATED", "data": {"number": "\xff\xfe"}}',
        "a JSON list": json.dumps([pushed(number, PICKED_UP_EVENT)]).encode(),
        "a JSON string": b'"TRACKING_UPDATED"',
        "nested too deep": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(_hostile_bodies("SIM000000001")))
def test_a_signed_webhook_the_worker_could_not_store_is_refused_with_400(
    client, shop, settings, django_capture_on_commit_callbacks, kind
):
    settings.TRACKING_SIMULATOR_KEY = KEY
    package = tracked_package(shop)
    raw = _hostile_bodies(package.tracking_number)[kind]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            WEBHOOK_URL, raw, content_type="application/json", HTTP_SIGN=sign(raw)
        )
    assert response.status_code == 400, response.content
    assert not TrackingWebhookEvent.objects.exists() and not queued
    assert not TrackingCheckpoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_signed_webhook_that_is_not_json_by_its_content_type_is_refused_with_415(
    client, shop, settings, django_capture_on_commit_callbacks, content_type
):
    settings.TRACKING_SIMULATOR_KEY = KEY
    package = tracked_package(shop)
    raw, signature = signed(pushed(package.tracking_number, PICKED_UP_EVENT))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(WEBHOOK_URL, raw, content_type=content_type, HTTP_SIGN=signature)
    assert response.status_code == 415
    assert not TrackingWebhookEvent.objects.exists() and not queued
    charset = client.post(
        WEBHOOK_URL, raw, content_type="application/json; charset=utf-8", HTTP_SIGN=signature
    )
    assert charset.status_code == 202


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def webhook_bodies(draw) -> bytes:
    """Signed notifications: TikTok-shaped ones with hostile values, or anything at all."""
    event = {
        "time_iso": draw(st.one_of(st.just("2026-11-02T14:00:00+00:00"), st.text(max_size=30))),
        "stage": draw(st.one_of(st.just("InTransit"), JSON_VALUES)),
        "description": draw(JSON_VALUES),
        "location": draw(st.text(max_size=20)),
    }
    shaped = {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": draw(st.one_of(st.just("SIM000000001"), st.text(max_size=20))),
            "track_info": {"tracking": {"providers": [{"events": [event]}]}},
        },
    }
    body = draw(st.one_of(st.just(shaped), JSON_VALUES))
    raw = json.dumps(body).encode()
    return draw(st.one_of(st.just(raw), st.binary(max_size=200), st.just(raw + b"\x00")))


@pytest.mark.django_db
@FUZZ
@given(raw=webhook_bodies())
def test_signed_webhooks_are_accepted_or_refused_never_fail(
    client, settings, django_capture_on_commit_callbacks, raw
):
    settings.TRACKING_SIMULATOR_KEY = "fuzz-key"
    recorded = TrackingWebhookEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            WEBHOOK_URL, raw, content_type="application/json", HTTP_SIGN=sign(raw, "fuzz-key")
        )
    # The test client sends no content type with an empty body: 415 then.
    assert response.status_code in ((200, 202, 400) if raw else (415,))
    if response.status_code >= 400:
        assert TrackingWebhookEvent.objects.count() == recorded and not queued
