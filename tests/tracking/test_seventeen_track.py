"""The 17TRACK adapter against the simulated carrier (17TRACK's protocol on a local port):
its status words, a parcel's story over time, typed errors, the rate limit, webhook
signatures and answers too malformed to trust."""

import json
import threading
from datetime import timedelta

import pytest

from demo.carrier_simulator import ATTEMPT_FAILED, CUSTOMS, NORMAL, RETURNED, simulator_server
from orders.statuses import TrackingStatus
from tests.tracking.helpers import KEY, START, number_with, sign, tracked_package
from tracking.carriers.seventeen_track import STATUSES, SeventeenTrack, normalized
from tracking.exceptions import BadWebhook, ProviderError, RateLimited
from tracking.models import TrackingCheckpoint
from tracking.services.checkpoints import tracking_apply


def test_status_mapping_covers_17tracks_vocabulary():
    assert {k: v.value for k, v in STATUSES.items()} == {
        "NotFound": "PENDING",
        "InfoReceived": "INFO_RECEIVED",
        "InTransit": "IN_TRANSIT",
        "OutForDelivery": "OUT_FOR_DELIVERY",
        "AvailableForPickup": "AVAILABLE_FOR_PICKUP",
        "DeliveryFailure": "ATTEMPT_FAIL",
        "Delivered": "DELIVERED",
        "Exception": "EXCEPTION",
        "Expired": "EXPIRED",
    }
    assert normalized("Exception", "Exception_Returning") == TrackingStatus.RETURNING
    assert normalized("Exception", "Exception_Returned") == TrackingStatus.RETURNED
    assert normalized("Teleported", None) == TrackingStatus.EXCEPTION  # unknown: a person looks


@pytest.mark.parametrize("value", [[], {}, 3, None, ["Delivered"]])
def test_a_status_that_is_not_a_word_is_unknown_not_a_crash(value):
    from tracking.carriers import aftership, seventeen_track

    assert seventeen_track.normalized(value, value) == TrackingStatus.EXCEPTION
    assert aftership.normalized(value, value) == TrackingStatus.EXCEPTION


def test_a_parcel_advances_over_time(simulator):
    adapter, clock, _ = simulator
    number = number_with(NORMAL)
    assert adapter.fetch([number]) == []  # not registered yet: nothing to say
    adapter.register([number])
    adapter.register([number])  # again: idempotent
    (update,) = adapter.fetch([number])
    assert update.status == TrackingStatus.INFO_RECEIVED and len(update.checkpoints) == 1
    clock.now = START + timedelta(hours=53)
    (update,) = adapter.fetch([number])
    assert update.status == TrackingStatus.OUT_FOR_DELIVERY
    assert [c.status for c in update.checkpoints][0] == TrackingStatus.OUT_FOR_DELIVERY
    assert all(c.occurred_at.tzinfo for c in update.checkpoints)
    assert update.estimated_delivery == (START + timedelta(hours=58)).date()
    clock.now = START + timedelta(days=5)
    assert adapter.fetch([number])[0].status == TrackingStatus.DELIVERED


@pytest.mark.parametrize(
    "scenario, final",
    [
        (ATTEMPT_FAILED, TrackingStatus.DELIVERED),
        (CUSTOMS, TrackingStatus.EXCEPTION),
        (RETURNED, TrackingStatus.RETURNED),
    ],
)
def test_scenarios_end_where_they_should(simulator, scenario, final):
    adapter, clock, _ = simulator
    number = number_with(scenario)
    adapter.register([number])
    clock.now = START + timedelta(days=10)
    (update,) = adapter.fetch([number])
    assert update.status == final
    seen = {c.status for c in update.checkpoints}
    if scenario is ATTEMPT_FAILED:
        assert TrackingStatus.ATTEMPT_FAIL in seen


def test_provider_errors_are_typed(simulator):
    adapter, _, _ = simulator
    with pytest.raises(ValueError, match="at most 40"):
        adapter.fetch([f"N{i}" for i in range(41)])
    wrong = SeventeenTrack(api_key="wrong", base_url=adapter.base_url)
    with pytest.raises(ProviderError, match="HTTP 401"):
        wrong.fetch(["X1"])
    down = SeventeenTrack(api_key=KEY, base_url="http://127.0.0.1:9/track/v2.2")
    with pytest.raises(ProviderError):
        down.fetch(["X1"])


def test_rate_limit_answers_429():
    server, _ = simulator_server(api_key=KEY, rate_limit=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    adapter = SeventeenTrack(api_key=KEY, base_url=f"http://{host}:{port}/track/v2.2")
    try:
        adapter.fetch(["A1"])
        with pytest.raises(RateLimited):
            adapter.fetch(["A1"])
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_signature_is_checked():
    adapter = SeventeenTrack(api_key=KEY)
    body = json.dumps(
        {
            "event": "TRACKING_UPDATED",
            "data": {
                "number": "RR1",
                "track_info": {"latest_status": {"status": "Delivered", "sub_status": ""}},
            },
        }
    ).encode()
    signature = sign(body)
    (update,) = adapter.parse_webhook(body, {"sign": signature})
    assert update.status == TrackingStatus.DELIVERED and update.event_id
    for headers in ({}, {"sign": "0" * 64}, {"sign": signature.upper()}):
        with pytest.raises(BadWebhook):
            adapter.parse_webhook(body, headers)
    garbage = b"<html>oops</html>"
    with pytest.raises(BadWebhook):
        adapter.parse_webhook(garbage, {"sign": adapter.signature(garbage)})


@pytest.mark.django_db
def test_malformed_provider_answers_never_corrupt_a_package(shop):
    from tracking.carriers.seventeen_track import parse_track_info

    package = tracked_package(shop)
    weird = {
        "latest_status": "Delivered",  # not an object
        "tracking": {"providers": [{"events": ["x", {"time_iso": "yesterday"}, None]}]},
        "time_metrics": [],
    }
    update = parse_track_info(package.tracking_number, weird)
    assert update.checkpoints == () and update.status == TrackingStatus.EXCEPTION
    tracking_apply(package_id=package.pk, update=update)
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.PENDING  # no checkpoint, no change
    assert not TrackingCheckpoint.objects.filter(package=package).exists()
