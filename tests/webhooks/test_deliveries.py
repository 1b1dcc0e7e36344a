"""Deliveries against the local receiver: signed POSTs, failures of every kind retried with
back-off without holding up other endpoints, endpoints switched off after failing, "send
again", and a worker killed mid-delivery."""

import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orders.services.status import order_status_change
from orders.statuses import OrderStatus
from webhooks.exceptions import WebhookError
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.batches import delivery_send
from webhooks.services.deliveries import backoff_seconds, delivery_resend
from webhooks.services.endpoints import endpoint_test_send

from .helpers import beat_pass, hook, make_due, quiet_order, run_due

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _change(shop, admin):
    order = quiet_order(shop, status=OrderStatus.AWAITING_COLLECTION)
    return order, order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)


def test_an_order_change_reaches_the_receiver_signed(receiver, admin, shop):
    order = quiet_order(shop, status=OrderStatus.AWAITING_COLLECTION)
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    event = order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    beat_pass()
    [got] = receiver.state.delivered("/ok")
    assert got.verified and got.event_id == f"evt_{event.pk}"
    assert got.event["data"]["order"]["id"] == order.order_id
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.state, delivery.attempts) == ("delivered", 1)
    attempt = delivery.attempt_rows.get()
    assert (attempt.status_code, attempt.ok, attempt.response_excerpt) == (
        200,
        True,
        '{"received": true}',
    )
    beat_pass()  # nothing more to send
    assert len(receiver.state.received) == 1


def test_a_failing_endpoint_is_retried_with_backoff_then_delivered(receiver, admin, shop):
    hook(receiver, admin, shop, events=["order.status_changed"])
    receiver.state.fail_next(2, "500")
    _change(shop, admin)
    before = timezone.now()
    beat_pass()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert 54 <= wait <= 67  # 1 minute ± 10 %, plus the attempt's own time
    beat_pass()
    assert Delivery.objects.get().attempts == 1  # not due yet: nothing sent
    make_due(delivery)
    run_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 2)
    make_due(delivery)
    run_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    codes = list(delivery.attempt_rows.order_by("number").values_list("status_code", flat=True))
    assert codes == [500, 500, 200]
    excerpt = delivery.attempt_rows.get(number=1).response_excerpt
    assert excerpt == "<b>not ok</b>"  # kept as sent; the page escapes it
    assert len({r.event_id for r in receiver.state.received}) == 1  # one event id throughout


@pytest.mark.parametrize(
    ("attempts", "low", "high"),
    [(1, 54, 66), (2, 108, 132), (3, 216, 264), (6, 1728, 2112), (7, 3240, 3960), (20, 3240, 3960)],
)
def test_the_backoff_doubles_from_a_minute_to_an_hour(attempts, low, high):
    waits = [backoff_seconds(attempts) for _ in range(50)]
    assert low <= min(waits) and max(waits) <= high
    assert len(set(waits)) > 1  # jitter


@pytest.mark.parametrize(
    ("path", "code", "error"),
    [
        ("/500", 500, "The endpoint answered 500."),
        ("/redirect", 302, "Redirects are not followed."),
        ("/hang", None, "No answer in time (timed out)."),
    ],
)
def test_500_redirect_and_timeout_are_failures(receiver, quick, admin, shop, path, code, error):
    hook(receiver, admin, shop, path=path, events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    attempt = Attempt.objects.get()
    assert (attempt.ok, attempt.status_code, attempt.error) == (False, code, error)
    assert Delivery.objects.get().state == "pending"
    assert not receiver.state.delivered()


def test_a_hanging_endpoint_does_not_hold_up_another(receiver, quick, admin, shop):
    hook(receiver, admin, shop, path="/hang", events=["order.status_changed"])
    fine = hook(receiver, admin, shop, path="/ok", events=["order.status_changed"])
    _change(shop, admin)
    started = time.monotonic()
    beat_pass()
    assert time.monotonic() - started < 5  # the hang was cut at the total timeout
    assert Delivery.objects.get(endpoint=fine).state == "delivered"
    assert len(receiver.state.delivered("/ok")) == 1


def test_a_slow_endpoint_within_the_timeout_is_delivered(receiver, admin, shop):
    hook(receiver, admin, shop, path="/slow", events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    attempt = Attempt.objects.get()
    assert attempt.ok and attempt.duration_ms >= 300


def test_a_day_of_failures_gives_the_delivery_up(receiver, admin, shop):
    hook(receiver, admin, shop, path="/500", events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        first_attempt_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    make_due(delivery)
    run_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 2)


def test_twenty_failures_in_a_row_switch_the_endpoint_off_and_email_the_administrators(
    receiver, admin, cs_agent, shop, settings
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    endpoint = hook(receiver, admin, shop, path="/500", events=["order.status_changed"])
    for _ in range(3):
        _change(shop, admin)
    beat_pass_with_commits()
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "Switched off after 3 failed deliveries in a row."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@example.test"]  # administrators only, not customer service
    assert message.subject == "A webhook endpoint of North Shop was switched off"
    assert endpoint.url in message.body and f"/webhooks/{endpoint.pk}/" in message.body
    # Switched off: nothing more is tried.
    for delivery in Delivery.objects.all():
        make_due(delivery)
    assert run_due() == {"due": 0, "abandoned": 0}


def beat_pass_with_commits():
    """The beat pass with on_commit callbacks run (the test's transaction never commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        beat_pass()


def test_a_success_resets_the_failures(receiver, admin, shop):
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    receiver.state.fail_next(1, "500")
    _change(shop, admin)
    beat_pass()
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1 and endpoint.failing_since
    make_due(Delivery.objects.get())
    run_due()
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)


def test_send_again_sends_the_same_event_id_once_more(
    receiver, admin, shop, django_capture_on_commit_callbacks
):
    hook(receiver, admin, shop, events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    ids = [r.event_id for r in receiver.state.delivered()]
    assert ids == [delivery.event_id, delivery.event_id]
    bodies = {r.body for r in receiver.state.delivered()}
    assert len(bodies) == 1  # the same event, signed anew


def test_send_again_is_refused_while_the_endpoint_is_switched_off(receiver, admin, shop):
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    delivery = Delivery.objects.get()
    sent = len(receiver.state.delivered())
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    delivery.refresh_from_db()
    before = (delivery.state, delivery.attempts, delivery.next_attempt_at)
    with pytest.raises(WebhookError, match="Switch the endpoint on"):
        delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == before
    assert len(receiver.state.delivered()) == sent


def test_a_test_event_is_delivered(receiver, admin, shop, django_capture_on_commit_callbacks):
    endpoint = hook(receiver, admin, shop)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_test_send(endpoint=endpoint)
    [got] = receiver.state.delivered()
    assert got.verified and got.event["type"] == "test"
    assert got.event_id == delivery.event_id
    assert Delivery.objects.get(pk=delivery.pk).state == "delivered"


def test_a_killed_workers_delivery_is_sent_once_more_after_its_lease(
    receiver, admin, shop, settings
):
    hook(receiver, admin, shop, events=["order.status_changed"])
    _change(shop, admin)
    from webhooks.services.fanout import events_read

    events_read()
    delivery = Delivery.objects.get()
    # A worker claimed it and died before answering: "sending", its lease running.
    claimed = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(state="sending", claimed_at=claimed, attempts=1)
    assert run_due() == {"due": 0, "abandoned": 0}  # the lease still runs
    assert delivery_send(delivery_id=delivery.pk) == "skipped"  # nobody else takes it
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=claimed - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS + 1)
    )
    assert run_due() == {"due": 0, "abandoned": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(receiver.state.delivered()) == 1  # exactly once more
    assert run_due() == {"due": 0, "abandoned": 0}
    assert len(receiver.state.received) == 1


def test_a_worker_whose_lease_was_taken_over_settles_nothing(receiver, admin, shop, settings):
    from webhooks.services import deliveries

    hook(receiver, admin, shop, events=["order.status_changed"])
    _change(shop, admin)
    from webhooks.services.fanout import events_read

    events_read()
    delivery = Delivery.objects.get()
    [slow] = deliveries.deliveries_claim(pk=delivery.pk)  # the first worker claims it…
    # …and stalls past its lease; a second worker takes the row and delivers it.
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS + 1)
    )
    assert delivery_send(delivery_id=delivery.pk) == "delivered"
    from webhooks.services.sending import Answer

    late = [(slow, timezone.now(), Answer(False, 500, 5))]
    assert deliveries.deliveries_settle(late) == ["superseded"]
    assert Delivery.objects.get().state == "delivered"
    assert Attempt.objects.count() == 1


def test_a_disabled_endpoint_is_sent_nothing_until_switched_on(receiver, admin, shop):
    from webhooks.services.endpoints import endpoint_enable

    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    endpoint_enable(endpoint=endpoint, enabled=False)
    _change(shop, admin)
    beat_pass()
    assert not Delivery.objects.exists()  # switched off: its events are not sent later
    endpoint_enable(endpoint=endpoint, enabled=True)
    _change(shop, admin)
    beat_pass()
    assert Delivery.objects.get().state == "delivered"
    assert Endpoint.objects.get().consecutive_failures == 0


def test_the_delivery_body_is_what_was_signed(receiver, admin, shop):
    hook(receiver, admin, shop, events=["order.status_changed"])
    _change(shop, admin)
    beat_pass()
    [got] = receiver.state.delivered()
    assert got.body.decode() == Delivery.objects.get().body
    assert json.loads(got.body)["type"] == "order.status_changed"
