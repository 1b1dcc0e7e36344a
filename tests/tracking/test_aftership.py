"""The AfterShip adapter against a local HTTP server that replays AfterShip 2025-01 answers.

The payloads follow AfterShip's documented shapes (tests/tracking/aftership_payloads.py) and its
request errors; no network is used. Its webhooks: test_aftership_webhooks.py.
"""

import logging
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from orders.statuses import TrackingStatus as T
from tests.tracking.aftership_payloads import (
    KEY,
    SECRET,
    checkpoint,
    envelope,
    listing,
    tracking,
)
from tracking.carriers import base
from tracking.carriers.aftership import AfterShip, normalized, parse_tracking
from tracking.exceptions import ProviderError, RateLimited

PATH = "/tracking/2025-01/trackings"


@pytest.fixture
def adapter(server):
    return AfterShip(api_key=KEY, webhook_secret=SECRET, base_url=server.url)


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- status mapping ---------------------------------------------------------------------------

MAPPING = [
    ("Pending", "Pending_001", T.PENDING),
    ("InfoReceived", "InfoReceived_001", T.INFO_RECEIVED),
    ("InTransit", "InTransit_007", T.IN_TRANSIT),
    ("OutForDelivery", "OutForDelivery_001", T.OUT_FOR_DELIVERY),
    ("AvailableForPickup", "AvailableForPickup_001", T.AVAILABLE_FOR_PICKUP),
    ("AttemptFail", "AttemptFail_001", T.ATTEMPT_FAIL),
    ("Delivered", "Delivered_001", T.DELIVERED),
    ("Exception", "Exception_004", T.EXCEPTION),
    ("Expired", "Expired_001", T.EXPIRED),
    ("Exception", "Exception_010", T.RETURNING),
    ("Exception", "Exception_011", T.RETURNED),
]


@pytest.mark.parametrize(("tag", "subtag", "expected"), MAPPING)
def test_each_aftership_tag_maps_to_its_normalized_status(tag, subtag, expected, caplog):
    assert normalized(tag, subtag) == expected
    assert warnings(caplog) == []


def test_every_normalized_status_is_reachable_from_aftership():
    assert {expected for _, _, expected in MAPPING} == set(T)


def test_unknown_tag_is_an_exception_with_a_warning(caplog):
    assert normalized("Teleported", "Teleported_001") == T.EXCEPTION
    assert normalized(None, None) == T.EXCEPTION
    assert "unknown tag 'Teleported'" in warnings(caplog)[0]


# --- fetch ------------------------------------------------------------------------------------


def test_fetch_reads_checkpoints_with_their_offsets_and_skips_unusable_times(
    server, adapter, caplog
):
    server.reply(
        200,
        listing(
            tracking(
                "9400111",
                tag="OutForDelivery",
                subtag="OutForDelivery_003",
                checkpoints=[
                    checkpoint(
                        "2025-03-01T09:15:00+08:00",
                        city="Shenzhen",
                        state="Guangdong",
                        country_region="CHN",
                    ),
                    checkpoint("2025-03-02T10:00:00", message="No offset"),
                    checkpoint("about noon", message="Garbage"),
                    checkpoint(None, message="No time"),
                    checkpoint(
                        "2025-03-04T07:30:00Z",
                        tag="OutForDelivery",
                        subtag="OutForDelivery_001",
                        message="Out for delivery",
                        location="Los Angeles, CA 90001",
                        city="Los Angeles",
                    ),
                ],
                courier_estimated_delivery_date={
                    "estimated_delivery_date": "2025-03-05",
                    "estimated_delivery_date_min": None,
                    "estimated_delivery_date_max": None,
                },
            )
        ),
    )

    [update] = adapter.fetch(["9400111"])

    assert (update.tracking_number, update.status) == ("9400111", T.OUT_FOR_DELIVERY)
    assert (update.raw_status, update.substatus) == ("OutForDelivery", "OutForDelivery_003")
    assert update.estimated_delivery == date(2025, 3, 5)
    first, last = update.checkpoints
    assert first.occurred_at == datetime(2025, 3, 1, 1, 15, tzinfo=UTC)
    assert first.occurred_at.utcoffset() == timedelta(hours=8)  # the carrier's own offset
    assert (first.status, first.substatus) == (T.IN_TRANSIT, "InTransit_007")
    assert (first.message, first.location) == ("Departure scan", "Shenzhen, Guangdong, CHN")
    assert first.raw["raw_tag"] == "DS"
    assert last.occurred_at == datetime(2025, 3, 4, 7, 30, tzinfo=UTC)
    assert (last.status, last.location) == (T.OUT_FOR_DELIVERY, "Los Angeles, CA 90001")
    assert sum("without a usable time" in line for line in warnings(caplog)) == 3
    [request] = server.requests
    assert (request["method"], request["path"], request["api_key"]) == ("GET", PATH, KEY)
    assert request["query"]["tracking_numbers"] == ["9400111"]


def test_fetch_asks_comma_separated_and_ignores_numbers_not_asked_for(server, adapter, caplog):
    server.reply(200, listing(tracking("AS1"), tracking("STRANGER"), tracking("AS2")))

    updates = adapter.fetch(["AS1", "AS2", "AS3"])

    assert [u.tracking_number for u in updates] == ["AS1", "AS2"]
    assert server.requests[0]["query"]["tracking_numbers"] == ["AS1,AS2,AS3"]
    assert any("not asked for: 'STRANGER'" in line for line in warnings(caplog))


def test_fetch_tells_returns_apart_and_keeps_unknown_tags_raw(server, adapter, caplog):
    server.reply(
        200,
        listing(
            tracking("AS1", "Exception", "Exception_010"),
            tracking("AS2", "Exception", "Exception_011"),
            tracking("AS3", "Teleported", "Teleported_001"),
        ),
    )

    returning, returned, unknown = adapter.fetch(["AS1", "AS2", "AS3"])

    assert (returning.status, returning.substatus) == (T.RETURNING, "Exception_010")
    assert (returned.status, returned.substatus) == (T.RETURNED, "Exception_011")
    assert (unknown.status, unknown.raw_status) == (T.EXCEPTION, "Teleported")
    assert any("unknown tag 'Teleported'" in line for line in warnings(caplog))


def test_fetch_refuses_more_than_a_batch_without_calling(server, adapter):
    with pytest.raises(ValueError, match="at most 50"):
        adapter.fetch([f"AS{i}" for i in range(51)])
    assert server.requests == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "courier_estimated_delivery_date": {"estimated_delivery_date": "2025-03-05"},
                "aftership_estimated_delivery_date": {"estimated_delivery_date": "2025-03-07"},
                "expected_delivery": "2025-03-09",
            },
            date(2025, 3, 5),
        ),
        (
            {
                "courier_estimated_delivery_date": {"estimated_delivery_date": None},
                "aftership_estimated_delivery_date": {
                    "estimated_delivery_date": "2025-03-07",
                    "confidence_code": 9001,
                },
            },
            date(2025, 3, 7),
        ),
        ({"expected_delivery": "2025-03-09"}, date(2025, 3, 9)),
        ({"expected_delivery": "2025-03-09T18:00:00+08:00"}, date(2025, 3, 9)),
        ({"expected_delivery": "soon"}, None),
        ({}, None),
    ],
)
def test_estimated_delivery_prefers_the_carrier_then_aftership_then_legacy(fields, expected):
    assert parse_tracking("AS1", tracking("AS1", **fields)).estimated_delivery == expected


# --- register ---------------------------------------------------------------------------------


def test_register_creates_one_tracking_per_call_with_the_key_header(server, adapter):
    server.reply(201, envelope(201, tracking("AS1", "Pending", "Pending_001")))
    server.reply(201, envelope(201, tracking("AS2", "Pending", "Pending_001")))

    adapter.register(["AS1", "AS2"])

    assert [(r["method"], r["path"], r["api_key"], r["json"]) for r in server.requests] == [
        ("POST", PATH, KEY, {"tracking_number": "AS1"}),
        ("POST", PATH, KEY, {"tracking_number": "AS2"}),
    ]


def test_register_treats_already_exists_as_success(server, adapter, caplog):
    # AfterShip answers HTTP 400 with meta.code 4003 (quickstart/request-errors).
    server.reply(400, envelope(4003, message="Tracking already exists."))
    server.reply(201, envelope(201, tracking("AS2", "Pending", "Pending_001")))

    adapter.register(["AS1", "AS2"])

    assert len(server.requests) == 2
    assert warnings(caplog) == []


def test_register_logs_a_rejected_number_and_registers_the_others(server, adapter, caplog):
    server.reply(400, envelope(4012, message="Unable to import shipment"))
    server.reply(201, envelope(201, tracking("AS2", "Pending", "Pending_001")))

    adapter.register(["BAD1", "AS2"])

    assert len(server.requests) == 2
    assert any("register rejected 'BAD1'" in line for line in warnings(caplog))


def test_register_with_a_wrong_key_raises(server, adapter):
    server.reply(401, envelope(401, message="Invalid API key."))

    with pytest.raises(ProviderError, match="HTTP 401"):
        adapter.register(["AS1", "AS2"])
    assert len(server.requests) == 1


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"X-RateLimit-Reset": "2"}, 2.0), ({}, None)],
)
def test_429_raises_rate_limited_with_retry_after(server, adapter, headers, expected):
    server.reply(429, envelope(429, message="Too many requests"), headers=headers)

    with pytest.raises(RateLimited) as caught:
        adapter.fetch(["AS1"])
    assert caught.value.retry_after == expected


def test_429_reset_given_as_a_unix_time_becomes_seconds_to_wait(server, adapter):
    # quickstart/rate-limit: "X-RateLimit-Reset: the Unix timestamp when the limit resets".
    reset = int(time.time()) + 30
    server.reply(429, envelope(429), headers={"X-RateLimit-Reset": str(reset)})

    with pytest.raises(RateLimited) as caught:
        adapter.register(["AS1"])
    assert 28 <= caught.value.retry_after <= 30


@pytest.mark.parametrize(
    ("status", "body", "match"),
    [
        (500, envelope(500, message="Something went wrong"), "HTTP 500"),
        (502, b"<html><body>Bad gateway</body></html>", "HTTP 502"),
        (200, b"<!doctype html><title>Down for maintenance</title>", "not JSON"),
        (200, envelope(4100, message="Internal error"), "code 4100"),
        (200, {"data": {"trackings": []}}, "code None"),
        (200, envelope(200, {"trackings": "none"}), "no data.trackings"),
    ],
)
def test_unusable_answers_raise_provider_error(server, adapter, status, body, match):
    server.reply(status, body)

    with pytest.raises(ProviderError, match=match) as caught:
        adapter.fetch(["AS1"])
    assert not isinstance(caught.value, RateLimited)


def test_a_slow_answer_is_a_provider_error(server, adapter, monkeypatch):
    monkeypatch.setattr(base, "TIMEOUT_SECONDS", 0.05)
    server.reply(200, listing(tracking("AS1")), delay=0.3)

    with pytest.raises(ProviderError, match="Timeout"):
        adapter.fetch(["AS1"])
