"""Carrier tracking against the simulated carrier (17TRACK's protocol on a local port):
the adapter, storing checkpoints (dedup, out of order, expiry), the order following its
parcels, polling due packages without asking twice, webhooks and the commands."""

import hashlib
import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from demo.carrier_simulator import (
    ATTEMPT_FAILED,
    CUSTOMS,
    NORMAL,
    RETURNED,
    scenario_for,
    simulator_server,
)
from orders.models import OrderEvent, Package
from orders.statuses import ActorType, EventKind, OrderStatus, TrackingStatus
from tests.orders.factories import OrderFactory
from tracking.carriers.base import (
    BadWebhook,
    Checkpoint,
    ProviderError,
    RateLimited,
    TrackingUpdate,
)
from tracking.carriers.seventeen_track import STATUSES, SeventeenTrack, normalized
from tracking.models import TrackingCheckpoint
from tracking.services.checkpoints import tracking_apply
from tracking.services.poll import packages_claim, poll_due

KEY = "test-simulator-key"
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _providers_healthy():
    """Provider health lives in the shared cache: every test starts with none recorded."""
    from django.core.cache import cache

    cache.delete_many([f"tracking:health:{code}" for code in ("simulator", "17track", "aftership")])
    yield


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def simulator():
    """The simulated carrier on a free local port, one simulated hour per real hour."""
    clock = Clock(START)
    server, carrier = simulator_server(api_key=KEY, speed=1.0, clock=clock, rate_limit=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    adapter = SeventeenTrack(api_key=KEY, base_url=f"http://{host}:{port}/track/v2.2")
    adapter.code = "simulator"
    yield adapter, clock, carrier
    server.shutdown()
    server.server_close()


def _number_with(scenario) -> str:
    """A tracking number the simulator plays `scenario` for."""
    return next(f"SIM{i:09d}" for i in range(100_000) if scenario_for(f"SIM{i:09d}") is scenario)


# The adapter and the simulator -----------------------------------------------------------


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


def test_a_parcel_advances_over_time(simulator):
    adapter, clock, _ = simulator
    number = _number_with(NORMAL)
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
    number = _number_with(scenario)
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
    sign = hashlib.sha256(body + b"/" + KEY.encode()).hexdigest()
    (update,) = adapter.parse_webhook(body, {"sign": sign})
    assert update.status == TrackingStatus.DELIVERED and update.event_id
    for headers in ({}, {"sign": "0" * 64}, {"sign": sign.upper()}):
        with pytest.raises(BadWebhook):
            adapter.parse_webhook(body, headers)
    garbage = b"<html>oops</html>"
    with pytest.raises(BadWebhook):
        adapter.parse_webhook(garbage, {"sign": adapter.signature(garbage)})


# Storing updates -------------------------------------------------------------------------


def _package(shop, *, status=OrderStatus.AWAITING_COLLECTION, number="SIM000000001", **fields):
    order = OrderFactory(shop=shop, status=status, create_time=START - timedelta(days=2))
    order.packages.all().delete()
    return Package.objects.create(
        order=order,
        tracking_number=number,
        shipping_provider_name="Simulated Express",
        tracking_provider="simulator",
        next_poll_at=START,
        **fields,
    )


def _update(number, *steps, estimated=None) -> TrackingUpdate:
    checkpoints = tuple(
        Checkpoint(occurred_at=when, status=status, message=message, location="Austin, TX")
        for when, status, message in steps
    )
    latest = max(checkpoints, key=lambda c: c.occurred_at) if checkpoints else None
    return TrackingUpdate(
        tracking_number=number,
        status=latest.status if latest else TrackingStatus.PENDING,
        checkpoints=checkpoints,
        estimated_delivery=estimated,
    )


PICKED_UP = (START + timedelta(hours=6), TrackingStatus.IN_TRANSIT, "Picked up")
OUT = (START + timedelta(hours=52), TrackingStatus.OUT_FOR_DELIVERY, "Out for delivery")
DELIVERED = (START + timedelta(hours=58), TrackingStatus.DELIVERED, "Delivered")


@pytest.mark.django_db
def test_first_scan_moves_the_order_in_transit_with_the_carrier_as_actor(shop):
    package = _package(shop)
    tracking_apply(package_id=package.pk, update=_update(package.tracking_number, PICKED_UP))
    order = package.order
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    event = OrderEvent.objects.filter(order=order, kind=EventKind.STATUS_CHANGED).latest("pk")
    assert event.actor_type == ActorType.CARRIER and event.payload["to"] == "IN_TRANSIT"
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.IN_TRANSIT
    assert package.last_checkpoint_message == "Picked up"
    assert package.next_poll_at > START  # asked again later, not now


@pytest.mark.django_db
def test_duplicates_and_out_of_order_updates_change_nothing(shop):
    package = _package(shop)
    newest = _update(package.tracking_number, PICKED_UP, OUT, DELIVERED)
    older = _update(package.tracking_number, PICKED_UP, OUT)
    tracking_apply(package_id=package.pk, update=newest)
    tracking_apply(package_id=package.pk, update=newest)  # the same report again
    tracking_apply(package_id=package.pk, update=older)  # a stale report arriving late
    package.refresh_from_db()
    assert TrackingCheckpoint.objects.filter(package=package).count() == 3
    assert package.tracking_status == TrackingStatus.DELIVERED and package.next_poll_at is None
    order = package.order
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.delivery_time == DELIVERED[0]


@pytest.mark.django_db
def test_an_order_is_delivered_only_when_every_package_is(shop):
    first = _package(shop)
    second = Package.objects.create(
        order=first.order, tracking_number="SIM000000002", tracking_provider="simulator"
    )
    tracking_apply(package_id=first.pk, update=_update(first.tracking_number, PICKED_UP, DELIVERED))
    first.order.refresh_from_db()
    assert first.order.status == OrderStatus.IN_TRANSIT
    tracking_apply(
        package_id=second.pk, update=_update(second.tracking_number, PICKED_UP, DELIVERED)
    )
    first.order.refresh_from_db()
    assert first.order.status == OrderStatus.DELIVERED


@pytest.mark.django_db
def test_silence_expires_a_parcel(shop, settings):
    settings.TRACKING_EXPIRE_DAYS = 30
    package = _package(shop)
    tracking_apply(
        package_id=package.pk,
        update=_update(package.tracking_number, PICKED_UP),
        now=START + timedelta(days=31),
    )
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.EXPIRED and package.next_poll_at is None


@pytest.mark.django_db
def test_an_exception_shows_in_needs_action(client, admin, shop):
    package = _package(shop)
    stuck = (START + timedelta(hours=30), TrackingStatus.EXCEPTION, "Held by customs")
    tracking_apply(package_id=package.pk, update=_update(package.tracking_number, PICKED_UP, stuck))
    client.force_login(admin)
    listed = client.get("/orders/?needs_action=tracking_exception").content.decode()
    assert package.order.order_id in listed
    detail = client.get(f"/orders/{package.order.order_id}/").content.decode()
    assert "Held by customs" in detail


# Polling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_poll_registers_unknown_numbers_then_follows_them(simulator, shop):
    adapter, clock, carrier = simulator
    number = _number_with(NORMAL)
    package = _package(shop, number=number)
    first = poll_due(adapter, now=START)
    assert (first.asked, first.registered, first.updated) == (1, 1, 0)
    assert number in carrier.parcels
    clock.now = START + timedelta(hours=7)
    second = poll_due(adapter, now=START + timedelta(hours=7))
    assert (second.asked, second.updated) == (1, 1)
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.IN_TRANSIT
    assert poll_due(adapter, now=START + timedelta(hours=7)).asked == 0  # not due again yet


@pytest.mark.django_db
def test_a_failing_provider_backs_off_without_touching_packages(shop):
    package = _package(shop)
    down = SeventeenTrack(api_key=KEY, base_url="http://127.0.0.1:9/track/v2.2")
    down.code = "simulator"
    result = poll_due(down, now=START)
    assert result.failed == 1 and result.errors
    package.refresh_from_db()
    assert package.poll_failures == 1 and package.next_poll_at > START + timedelta(minutes=5)
    assert package.tracking_status == TrackingStatus.PENDING


@pytest.mark.django_db
def test_a_claimed_batch_is_not_claimed_again(shop):
    for i in range(3):
        _package(shop, number=f"SIM00000010{i}")
    first = packages_claim("simulator", 2, START)
    second = packages_claim("simulator", 5, START)
    assert len(first) == 2 and len(second) == 1
    assert not {pk for pk, _ in first} & {pk for pk, _ in second}


# Commands --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_commands_refuse_bad_arguments():
    with pytest.raises(CommandError, match="unknown tracking provider"):
        call_command("track_poll", "--once", "--provider", "pigeon")
    with pytest.raises(CommandError, match="--limit"):
        call_command("track_poll", "--once", "--limit", "0")
    with pytest.raises(CommandError, match="--port"):
        call_command("carrier_simulator", "--port", "70000")


# Webhooks --------------------------------------------------------------------------------


def _signed(body: dict, key: str = KEY) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, hashlib.sha256(raw + b"/" + key.encode()).hexdigest()


def _pushed(number: str, *events) -> dict:
    return {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": number,
            "track_info": {
                "latest_status": {"status": events[0]["stage"], "sub_status": ""},
                "tracking": {"providers": [{"events": list(events)}]},
            },
        },
    }


@pytest.mark.django_db
def test_webhook_accepts_dedups_and_refuses(
    client, shop, settings, django_capture_on_commit_callbacks
):
    from tracking.models import TrackingWebhookEvent
    from tracking.tasks import tracking_webhook_apply

    settings.TRACKING_SIMULATOR_KEY = KEY
    package = _package(shop)
    event = {
        "time_iso": "2026-11-02T14:00:00+00:00",
        "stage": "InTransit",
        "sub_status": "InTransit_PickedUp",
        "description": "Picked up",
        "location": "Los Angeles, CA",
    }
    raw, sign = _signed(_pushed(package.tracking_number, event))
    url = "/webhooks/carriers/simulator/"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        accepted = client.post(url, raw, content_type="application/json", HTTP_SIGN=sign)
    assert accepted.status_code == 202 and len(queued) == 1
    assert TrackingWebhookEvent.objects.count() == 1
    replay = client.post(url, raw, content_type="application/json", HTTP_SIGN=sign)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    forged = client.post(url, raw, content_type="application/json", HTTP_SIGN="0" * 64)
    assert forged.status_code == 401
    garbage, garbage_sign = b"{not json", hashlib.sha256(b"{not json/" + KEY.encode()).hexdigest()
    bad = client.post(url, garbage, content_type="application/json", HTTP_SIGN=garbage_sign)
    assert bad.status_code == 400
    assert (
        client.post("/webhooks/carriers/pigeon/", raw, content_type="application/json").status_code
        == 404
    )
    assert client.get(url).status_code == 405
    assert TrackingWebhookEvent.objects.count() == 1

    # The task stores it; an unknown tracking number is ignored with a log line.
    result = tracking_webhook_apply("simulator", raw.decode(), {"sign": sign})
    assert result == {"applied": 1, "ignored": 0}
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.IN_TRANSIT
    stranger, stranger_sign = _signed(_pushed("UNKNOWN123", event))
    assert tracking_webhook_apply("simulator", stranger.decode(), {"sign": stranger_sign}) == {
        "applied": 0,
        "ignored": 1,
    }


PICKED_UP_EVENT = {
    "time_iso": "2026-11-02T14:00:00+00:00",
    "stage": "InTransit",
    "sub_status": "InTransit_PickedUp",
    "description": "Picked up",
    "location": "Los Angeles, CA",
}


def _sign(raw: bytes, key: str = KEY) -> str:
    return hashlib.sha256(raw + b"/" + key.encode()).hexdigest()


def _hostile_bodies(number: str) -> dict[str, bytes]:
    """Signed bodies the worker could not store: each is refused at the door."""
    with_nul = _pushed(number, {**PICKED_UP_EVENT, "description": "Picked\x00 up"})
    nul_number = _pushed(number + "\x00", PICKED_UP_EVENT)
    escape = _pushed(number, {**PICKED_UP_EVENT, "location": "\x1b[2J"})
    key_nul = _pushed(number, {**PICKED_UP_EVENT, "extra\x00": "x"})
    return {
        "escaped NUL in a checkpoint": json.dumps(with_nul).encode(),
        "escaped NUL in the tracking number": json.dumps(nul_number).encode(),
        "escape character in a location": json.dumps(escape).encode(),
        "NUL in a key": json.dumps(key_nul).encode(),
        "raw NUL byte": json.dumps(_pushed(number, PICKED_UP_EVENT)).encode() + b"\x00",
        "UTF-16": json.dumps(_pushed(number, PICKED_UP_EVENT)).encode("utf-16"),
        "invalid UTF-8": b'{"event": "TRACKING_UPDATED", "data": {"number": "\xff\xfe"}}',
        "a JSON list": json.dumps([_pushed(number, PICKED_UP_EVENT)]).encode(),
        "a JSON string": b'"TRACKING_UPDATED"',
        "nested too deep": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(_hostile_bodies("SIM000000001")))
def test_a_signed_webhook_the_worker_could_not_store_is_refused_with_400(
    client, shop, settings, django_capture_on_commit_callbacks, kind
):
    from tracking.models import TrackingWebhookEvent

    settings.TRACKING_SIMULATOR_KEY = KEY
    package = _package(shop)
    raw = _hostile_bodies(package.tracking_number)[kind]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            "/webhooks/carriers/simulator/",
            raw,
            content_type="application/json",
            HTTP_SIGN=_sign(raw),
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
    from tracking.models import TrackingWebhookEvent

    settings.TRACKING_SIMULATOR_KEY = KEY
    package = _package(shop)
    raw, sign = _signed(_pushed(package.tracking_number, PICKED_UP_EVENT))
    url = "/webhooks/carriers/simulator/"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, raw, content_type=content_type, HTTP_SIGN=sign)
    assert response.status_code == 415
    assert not TrackingWebhookEvent.objects.exists() and not queued
    charset = client.post(url, raw, content_type="application/json; charset=utf-8", HTTP_SIGN=sign)
    assert charset.status_code == 202


@pytest.mark.django_db
def test_malformed_provider_answers_never_corrupt_a_package(shop):
    from tracking.carriers.seventeen_track import parse_track_info

    package = _package(shop)
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


@pytest.mark.django_db
def test_dispatch_claims_due_packages_into_batch_tasks(shop, monkeypatch):
    from tracking import tasks

    sent = []
    monkeypatch.setattr(
        tasks.tracking_poll_batch, "delay", lambda code, rows: sent.append((code, rows))
    )
    for i in range(45):
        _package(shop, number=f"SIM0000002{i:02d}")
    assert tasks.tracking_dispatch() == {"simulator": 45}
    assert [len(rows) for _, rows in sent] == [40, 5]  # 17TRACK's 40 per call
    assert tasks.tracking_dispatch() == {"simulator": 0}  # leased: not sent twice


@pytest.mark.django_db
def test_a_provider_that_keeps_failing_is_paused_and_reported(shop, monkeypatch):
    from sellercenter.health import _tracking
    from tracking import tasks
    from tracking.services.poll import FAILURES_TO_PAUSE, provider_health

    down = SeventeenTrack(api_key=KEY, base_url="http://127.0.0.1:9/track/v2.2")
    down.code = "simulator"
    for i in range(FAILURES_TO_PAUSE):
        _package(shop, number=f"SIM00000030{i}")
        poll_due(down, now=START + timedelta(days=30))
    assert provider_health("simulator") == {"failures": FAILURES_TO_PAUSE, "paused": True}
    assert _tracking() == {"simulator": "degraded"}
    sent = []
    monkeypatch.setattr(tasks.tracking_poll_batch, "delay", lambda *a: sent.append(a))
    assert tasks.tracking_dispatch() == {"simulator": "paused"} and not sent


@pytest.mark.django_db
def test_admin_poll_now_makes_parcels_due(client, superuser, shop, monkeypatch):
    from tracking import tasks

    monkeypatch.setattr(tasks.tracking_dispatch, "delay", lambda: None)
    package = _package(shop, poll_failures=3)
    Package.objects.filter(pk=package.pk).update(next_poll_at=None)
    client.force_login(superuser)
    response = client.post(
        "/admin/orders/package/",
        {"action": "poll_now", "_selected_action": [package.pk]},
        follow=True,
    )
    assert "1 parcel(s) will be polled" in response.content.decode()
    package.refresh_from_db()
    assert package.next_poll_at is not None and package.poll_failures == 0


@pytest.mark.django_db
def test_detail_page_refreshes_tracking_while_a_parcel_travels(client, admin, shop):
    from accounts.models import AuditAction, AuditEvent

    package = _package(shop)
    tracking_apply(package_id=package.pk, update=_update(package.tracking_number, PICKED_UP))
    client.force_login(admin)
    url = f"/orders/{package.order.order_id}/"
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 10s"' in page and "Picked up" in page
    audits = AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED).count()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="tracking"' in partial and "Picked up" in partial
    assert AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED).count() == audits
    tracking_apply(
        package_id=package.pk, update=_update(package.tracking_number, PICKED_UP, OUT, DELIVERED)
    )
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Delivered" in done and "every 10s" not in done  # the story is over: no more polling


@pytest.mark.django_db
def test_storing_a_batch_costs_the_same_statements_for_5_or_40_parcels(shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracking.services.checkpoints import tracking_apply_batch

    def statements(count: int) -> int:
        order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED)
        packages = [
            Package.objects.create(
                order=order, tracking_number=f"SIMQ{count}{i:04d}", tracking_provider="simulator"
            )
            for i in range(count)
        ]
        updates = {p.pk: _update(p.tracking_number, PICKED_UP, OUT) for p in packages}
        with CaptureQueriesContext(connection) as queries:
            changed = tracking_apply_batch(updates, now=START + timedelta(days=3))
        assert len(changed) == count
        return len(queries)

    assert statements(5) == statements(40)


@pytest.mark.django_db
def test_admin_says_when_a_provider_is_degraded(client, superuser):
    from django.core.cache import cache

    from tracking.services.poll import FAILURES_TO_PAUSE

    client.force_login(superuser)
    assert "degraded" not in client.get("/admin/orders/package/").content.decode()
    cache.set("tracking:health:simulator", FAILURES_TO_PAUSE, timeout=60)
    page = client.get("/admin/orders/package/").content.decode()
    assert "Tracking provider simulator is degraded" in page


@pytest.mark.parametrize("value", [[], {}, 3, None, ["Delivered"]])
def test_a_status_that_is_not_a_word_is_unknown_not_a_crash(value):
    from tracking.carriers import aftership, seventeen_track

    assert seventeen_track.normalized(value, value) == TrackingStatus.EXCEPTION
    assert aftership.normalized(value, value) == TrackingStatus.EXCEPTION


@pytest.mark.django_db
def test_the_tracking_poll_refreshes_the_fulfilment_choices_too(client, packer, viewer, shop):
    """The carrier moves the order while the page is open: the fragment the poll fetches
    carries the fulfilment form anew, so "Move to" no longer offers where the order already is."""
    package = _package(shop)
    client.force_login(packer)
    url = f"/orders/{package.order.order_id}/"
    page = client.get(url).content.decode()
    # The next step first, cancelling last (not in a set's order: never preselected).
    assert 'id="fulfilment"' in page and re.search(
        r'name="status"><option value="IN_TRANSIT">.*</option><option value="CANCELLED">', page
    )
    assert f'hx-get="{url}?seen={OrderStatus.AWAITING_COLLECTION}"' in page
    tracking_apply(package_id=package.pk, update=_update(package.tracking_number, PICKED_UP))
    seen = f"{url}?seen={OrderStatus.AWAITING_COLLECTION}"
    partial = client.get(seen, HTTP_HX_REQUEST="true").content.decode()
    fulfilment = partial[partial.index('id="fulfilment"') :]
    assert 'hx-swap-oob="true"' in fulfilment[:200]
    # In transit, a person has nowhere to move it and no new tracking number to add: the card
    # says so instead of offering forms the services would refuse.
    assert 'name="status"' not in partial and "Add tracking number" not in fulfilment
    assert "the carrier and TikTok move it on from here" in fulfilment
    # The next poll says what it has seen: unchanged, the form is left as it is (and whatever
    # the packer is typing into it).
    assert f"seen={OrderStatus.IN_TRANSIT}" in partial
    again = f"{url}?seen={OrderStatus.IN_TRANSIT}"
    partial = client.get(again, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="tracking"' in partial and 'id="fulfilment"' not in partial
    # Someone who may not fulfil gets no fulfilment section (nor an out-of-band swap aimed at
    # one their page does not have).
    client.force_login(viewer)
    partial = client.get(seen, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="tracking"' in partial and 'id="fulfilment"' not in partial
