"""Deliveries sent a batch of one endpoint's rows at a time: a few statements per batch, not
per delivery; a silent endpoint stops its batch and gets the rest back unattempted; a slow
one hands back what its time did not cover, and the next batch sends it; each body built only
for a delivery that is made; the URL checked and resolved once a batch and connected to at
that address (DNS rebinding)."""

import socket

import pytest
import urllib3.util.connection
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.services.status import order_status_change
from orders.statuses import OrderStatus
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services import fanout
from webhooks.services.batches import endpoint_batch_send
from webhooks.services.endpoints import endpoint_create
from webhooks.services.fanout import events_read

from .helpers import beat_pass, hook, quiet_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _changes(shop, admin, count: int) -> None:
    for _ in range(count):
        order = quiet_order(shop, status=OrderStatus.AWAITING_COLLECTION)
        order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)


def test_a_batch_of_twenty_takes_a_few_statements_not_four_each(receiver, admin, shop):
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    _changes(shop, admin, 20)
    events_read()
    with CaptureQueriesContext(connection) as queries:
        report = endpoint_batch_send(endpoint_id=endpoint.pk)
    assert report == {"sent": 20, "delivered": 20, "handed_back": 0}
    # Claim: select + update; settle: lock + one update + one insert (savepoints aside).
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 5, [sql[:80] for sql in statements]
    assert Delivery.objects.filter(state="delivered", attempts=1).count() == 20
    assert Attempt.objects.filter(ok=True).count() == 20
    assert len({r.event_id for r in receiver.state.delivered("/ok")}) == 20


def test_a_silent_endpoint_stops_its_batch_and_gets_the_rest_back_unattempted(
    receiver, quick, admin, shop
):
    endpoint = hook(receiver, admin, shop, path="/hang", events=["order.status_changed"])
    _changes(shop, admin, 5)
    events_read()
    report = endpoint_batch_send(endpoint_id=endpoint.pk)
    assert report == {"sent": 1, "delivered": 0, "handed_back": 4}
    tried = Delivery.objects.get(attempts=1)
    assert Attempt.objects.get().error == "No answer in time (timed out)."
    rest = Delivery.objects.exclude(pk=tried.pk)
    assert {(row.state, row.attempts, row.claimed_at) for row in rest} == {("pending", 0, None)}
    # They wait as long as the one that found the endpoint silent.
    assert {row.next_attempt_at for row in rest} == {tried.next_attempt_at}
    assert tried.next_attempt_at > timezone.now()
    assert Endpoint.objects.get().consecutive_failures == 1


def test_a_batch_out_of_time_hands_the_rest_to_the_next_batch(receiver, admin, shop, settings):
    settings.WEBHOOKS_BATCH_SECONDS = 0  # every POST is past the batch's time
    hook(receiver, admin, shop, events=["order.status_changed"])
    _changes(shop, admin, 3)
    beat_pass()  # one batch sends one, queues the next (run in place here)
    assert set(Delivery.objects.values_list("state", "attempts")) == {("delivered", 1)}
    assert len(receiver.state.delivered()) == 3


def test_failures_after_the_last_success_are_the_ones_in_a_row(receiver, admin, shop):
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=5)
    _changes(shop, admin, 3)
    events_read()
    receiver.state.failures.extend(["ok", "500", "500"])  # delivered, then two failures
    endpoint_batch_send(endpoint_id=endpoint.pk)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 2 and endpoint.failing_since


def test_no_body_is_built_for_a_delivery_made_already(receiver, admin, shop, monkeypatch):
    hook(receiver, admin, shop, events=["order.status_changed"])
    _changes(shop, admin, 2)
    built = []
    real = fanout.order_event_body
    monkeypatch.setattr(
        fanout, "order_event_body", lambda *a, **kw: built.append(a[0].pk) or real(*a, **kw)
    )
    assert events_read()["order_events"] == 2 and len(built) == 2
    # The next pass reads the same entries again (the look-back window): nothing is built.
    assert events_read()["order_events"] == 0 and len(built) == 2


@pytest.fixture
def rebinding(monkeypatch, settings):
    """hooks.example.com: a public address when first looked up, then 127.0.0.1 (a rebinding
    name); every connection made is recorded and refused (no network here)."""
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = False
    lookups, connected = [], []

    def lookup(host, *args, **kwargs):
        if host != "hooks.example.com":
            raise socket.gaierror("unknown")
        lookups.append(host)
        address = "93.184.215.14" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    def connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("refused in the test")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", connect)
    return lookups, connected


def test_a_batch_connects_to_the_address_it_checked_not_a_new_lookup(rebinding, admin, shop):
    lookups, connected = rebinding
    endpoint = Endpoint.objects.create(
        shop=shop, url="https://hooks.example.com/in", events=["order.status_changed"],
        secret="whsec_test", created_by=admin, after_order_event_id=0,
    )  # fmt: skip
    _changes(shop, admin, 1)
    events_read()
    endpoint_batch_send(endpoint_id=endpoint.pk)
    # Looked up once, checked (public), and the connection went to that address, though the
    # name now answers 127.0.0.1.
    assert lookups == ["hooks.example.com"]
    assert connected == [("93.184.215.14", 443)]
    assert Attempt.objects.get().error == "Could not connect: NewConnectionError."


def test_a_name_that_now_resolves_to_loopback_is_refused_before_any_connection(
    rebinding, admin, shop
):
    lookups, connected = rebinding
    endpoint = endpoint_create(
        user=admin, shop=shop, url="https://hooks.example.com/in",
        events=["order.status_changed"], include_buyer_contact=False,
    )  # fmt: skip  # saved while the name was public
    _changes(shop, admin, 2)
    events_read()
    report = endpoint_batch_send(endpoint_id=endpoint.pk)
    assert report == {"sent": 1, "delivered": 0, "handed_back": 1}
    assert len(lookups) == 2 and connected == []
    assert "private or local network address" in Attempt.objects.get().error


def test_the_tls_connection_goes_to_the_address_under_the_name():
    """The socket to the checked address; SNI, the certificate check and Host the name's."""
    from webhooks.services.sending import _pool
    from webhooks.targets import Target

    target = Target("https", "hooks.example.com", 8443, "/in", "93.184.215.14")
    made = _pool(target)._new_conn()
    assert (made.host, made.port) == ("93.184.215.14", 8443)
    assert made.server_hostname == made.assert_hostname == "hooks.example.com"
    assert made.cert_reqs == "CERT_REQUIRED"
    assert target.host_header == "hooks.example.com:8443"


def _reading_statements(shop, admin, count: int) -> int:
    _changes(shop, admin, count)
    with CaptureQueriesContext(connection) as queries:
        assert events_read()["order_events"] == count
    return len(queries)


def test_reading_many_events_takes_the_statements_of_one(receiver, admin, shop):
    """The reader loads what bodies show and nothing it then has to fetch row by row."""
    hook(receiver, admin, shop, events=["order.status_changed"])
    events_read()  # the watermarks made
    one = _reading_statements(shop, admin, 1)
    assert _reading_statements(shop, admin, 6) == one
