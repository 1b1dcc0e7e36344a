"""Polling due packages: unknown numbers registered then followed, a failing provider backed
off and then paused, a claimed batch never claimed twice, the dispatcher's batches and the
poll command's arguments."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from demo.carrier_simulator import NORMAL
from orders.statuses import TrackingStatus
from tests.tracking.helpers import START, number_with, tracked_package, unreachable
from tracking.services.poll import packages_claim, poll_due


@pytest.mark.django_db
def test_poll_registers_unknown_numbers_then_follows_them(simulator, shop):
    adapter, clock, carrier = simulator
    number = number_with(NORMAL)
    package = tracked_package(shop, number=number)
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
    package = tracked_package(shop)
    result = poll_due(unreachable(), now=START)
    assert result.failed == 1 and result.errors
    package.refresh_from_db()
    assert package.poll_failures == 1 and package.next_poll_at > START + timedelta(minutes=5)
    assert package.tracking_status == TrackingStatus.PENDING


@pytest.mark.django_db
def test_a_provider_that_keeps_failing_is_paused_and_reported(shop, monkeypatch):
    from sellercenter.health import _tracking
    from tracking import tasks
    from tracking.services.poll import FAILURES_TO_PAUSE, provider_health

    down = unreachable()
    for i in range(FAILURES_TO_PAUSE):
        tracked_package(shop, number=f"SIM00000030{i}")
        poll_due(down, now=START + timedelta(days=30))
    assert provider_health("simulator") == {"failures": FAILURES_TO_PAUSE, "paused": True}
    assert _tracking() == {"simulator": "degraded"}
    sent = []
    monkeypatch.setattr(tasks.tracking_poll_batch, "delay", lambda *a: sent.append(a))
    assert tasks.tracking_dispatch() == {"simulator": "paused"} and not sent


@pytest.mark.django_db
def test_a_claimed_batch_is_not_claimed_again(shop):
    for i in range(3):
        tracked_package(shop, number=f"SIM00000010{i}")
    first = packages_claim("simulator", 2, START)
    second = packages_claim("simulator", 5, START)
    assert len(first) == 2 and len(second) == 1
    assert not {pk for pk, _ in first} & {pk for pk, _ in second}


@pytest.mark.django_db
def test_dispatch_claims_due_packages_into_batch_tasks(shop, monkeypatch):
    from tracking import tasks

    sent = []
    monkeypatch.setattr(
        tasks.tracking_poll_batch, "delay", lambda code, rows: sent.append((code, rows))
    )
    for i in range(45):
        tracked_package(shop, number=f"SIM0000002{i:02d}")
    assert tasks.tracking_dispatch() == {"simulator": 45}
    assert [len(rows) for _, rows in sent] == [40, 5]  # 17TRACK's 40 per call
    assert tasks.tracking_dispatch() == {"simulator": 0}  # leased: not sent twice


@pytest.mark.django_db
def test_commands_refuse_bad_arguments():
    with pytest.raises(CommandError, match="unknown tracking provider"):
        call_command("track_poll", "--once", "--provider", "pigeon")
    with pytest.raises(CommandError, match="--limit"):
        call_command("track_poll", "--once", "--limit", "0")
    with pytest.raises(CommandError, match="--port"):
        call_command("carrier_simulator", "--port", "70000")
