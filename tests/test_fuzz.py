"""Property-based fuzzing (Hypothesis) of every order-list parameter and every order-page form.

Whatever arrives, the answer is never a 500, and what is refused changes nothing: no export
queued, no note, message, refund, status or parcel recorded. Parameters come from the
FilterSet itself, so a filter added later is fuzzed too. Bounded (a few dozen examples per
test, no deadline) so the suite stays fast; a failure prints the input to reproduce it.
"""

import hashlib
import json
from datetime import date
from urllib.parse import quote, quote_from_bytes

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from exports.models import ExportJob
from orders.filters import OrderFilterSet
from orders.keyset import cursor_for
from orders.models import Order
from orders.selectors.order_list import order_filterset
from orders.statuses import OrderStatus
from tests.orders.factories import OrderFactory
from tracking.models import TrackingWebhookEvent

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written next to the code; a failure prints its input
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LIST_PARAMETERS = sorted(OrderFilterSet.base_filters)

# Values that broke something once, or sit on a boundary, mixed with generated ones.
NASTY = [
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\x7f",
    "\ud7ff",
    "9999-12-31",
    "0001-01-01",
    "2000-01-01",
    "2100-12-31",
    "2026-02-30",
    "NaN",
    "-Infinity",
    "1e400",
    "-0",
    "10.999",
    "\u0664\u0660",
    "\uff14\uff10",
    "3",
    "0",
    "-1",
    "99999999999999999999",
    "9223372036854775808",  # 2**63: one past bigint
    "9" * 5000,  # more digits than int() converts
    "\u00b2",  # '²': str.isdigit() says yes, int() says no
    "garbage",
    "' OR 1=1 --",
    "%00",
    "x" * 5000,
]


def values():
    """One parameter value: generated text (any Unicode but lone surrogates, which a URL
    cannot carry), raw bytes (percent-encoded as they are), dates, numbers or a nasty one."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.binary(max_size=24),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers().map(str),
        st.sampled_from([s.value for s in OrderStatus] + ["-created", "-total", "25", "1"]),
    )


def _encoded(value) -> str:
    return quote_from_bytes(value) if isinstance(value, bytes) else quote(value, safe="")


@st.composite
def queries(draw) -> str:
    """A query string of known parameters (sometimes repeated) and the odd unknown one."""
    names = st.one_of(st.sampled_from(LIST_PARAMETERS), st.text(min_size=1, max_size=10))
    pairs = draw(st.lists(st.tuples(names, values()), max_size=6))
    return "&".join(f"{quote(name, safe='')}={_encoded(value)}" for name, value in pairs)


@pytest.fixture
def orders(shop, other_shop):
    """A few orders in the user's shop and one in another, so filters have rows to act on."""
    mine = [OrderFactory(shop=shop, status=status) for status in ("IN_TRANSIT", "DELIVERED")]
    OrderFactory(shop=other_shop)
    return mine


@FUZZ
@given(query=queries())
def test_the_order_list_and_its_counts_never_fail(client, admin, orders, query):
    client.force_login(admin)
    for url in ("/orders/", "/orders/counts/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 404), (url, query)  # 404: a shop not mine


@FUZZ
@given(query=queries(), sort=st.sampled_from(["-created", "-total", "ship_by"]))
def test_a_real_cursor_with_anything_around_it_never_fails(client, admin, orders, query, sort):
    client.force_login(admin)
    cursor = quote(cursor_for(orders[0], sort), safe="")
    response = client.get(f"/orders/?{query}&sort={sort}&cursor={cursor}")
    assert response.status_code in (200, 404)


@FUZZ
@given(query=queries())
def test_the_new_export_page_never_fails(client, accountant, orders, query):
    client.force_login(accountant)
    assert client.get(f"/exports/new/?{query}").status_code == 200


@FUZZ
@given(query=queries(), format=st.sampled_from(["csv", "xlsx", "pdf"]))
def test_an_export_is_queued_or_refused_with_400_and_nothing_queued(
    client, accountant, orders, django_capture_on_commit_callbacks, query, format
):
    client.force_login(accountant)
    jobs = ExportJob.objects.count()
    data = {"query": query, "format": format, "template": "orders"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/exports/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert ExportJob.objects.count() == jobs and not queued
        return
    assert ExportJob.objects.count() == jobs + 1 and len(queued) == 1
    # Queued only what the order list accepts too: the worker applies the same FilterSet.
    filterset, _ = order_filterset(user=accountant, query=QueryDict(query))
    assert not filterset.form.errors, (query, filterset.form.errors)


def _text(value) -> str:
    """A generated value as a form field carries it (raw bytes read as Latin-1)."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def id_values():
    """What a ticked-rows field may hold: anything, or numbers around the bigint bound."""
    return st.one_of(values(), st.integers(min_value=-(2**64), max_value=2**64).map(str))


@FUZZ
@given(ids=st.lists(id_values(), max_size=4), query=queries(), all_matching=st.booleans())
@example(ids=["\u00b2"], query="", all_matching=False)  # once a 500
@example(ids=[str(2**63)], query="", all_matching=False)  # once a 500 on SQLite
def test_a_bulk_action_never_fails(client, accountant, orders, ids, query, all_matching):
    client.force_login(accountant)
    data = {"action": "export", "ids": [_text(i) for i in ids], "query": query}
    if all_matching:
        data["all_matching"] = "1"
    response = client.post("/orders/bulk/", data)
    assert response.status_code in (200, 302, 404), data  # 404: a shop not mine


@FUZZ
@given(ids=st.lists(id_values(), max_size=4), sep=st.sampled_from([" ", ",", ", "]))
@example(ids=["1", "\u00b2"], sep=" ")  # once a 500
@example(ids=["9" * 5000], sep=" ")  # once a 500
def test_ticked_orders_are_exported_or_refused_with_400_and_nothing_queued(
    client, accountant, orders, django_capture_on_commit_callbacks, ids, sep
):
    client.force_login(accountant)
    jobs = ExportJob.objects.count()
    data = {"ids": sep.join(_text(i) for i in ids), "format": "csv", "template": "orders"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/exports/", data)
    assert response.status_code in (302, 400), data
    if response.status_code == 400:
        assert ExportJob.objects.count() == jobs and not queued
    else:
        assert all(0 < key < 2**63 for key in ExportJob.objects.latest("pk").order_keys)


# --- every form POST of the order page ------------------------------------------------------

REFUSALS = ("The note was not added", "Not sent", "No refund was made", "Nothing changed")
FORMS = {
    "notes": ["body", "submission_id"],
    "messages": ["body"],
    "refunds": ["amount", "reason", "include_shipping", "whole_order", "qty_{line}", "qty_x"],
    "status": ["status", "reason"],
    "tracking": ["carrier", "tracking_number"],
}


def _state(order) -> tuple:
    return (
        Order.objects.values().get(pk=order.pk),
        order.events.count(),
        order.refunds.count(),
        order.packages.count(),
        list(order.lines.values_list("returned_quantity", flat=True)),
    )


@st.composite
def form_posts(draw) -> tuple[str, dict]:
    action = draw(st.sampled_from(sorted(FORMS)))
    fields = draw(st.lists(st.sampled_from(FORMS[action]), unique=True))
    return action, {name: draw(st.one_of(values(), st.just("on"))) for name in fields}


@FUZZ
@given(post=form_posts())
def test_order_page_forms_never_fail_and_a_refusal_changes_nothing(
    client, admin, shop, mailoutbox, post
):
    order = OrderFactory(shop=shop, status="AWAITING_SHIPMENT")
    line = order.lines.first()
    action, raw = post
    data = {name.format(line=line.pk): _text(value) for name, value in raw.items()}
    client.force_login(admin)
    before, sent = _state(order), len(mailoutbox)
    response = client.post(f"/orders/{order.order_id}/{action}/", data)
    assert response.status_code == 302, (action, data)
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    if any(m.startswith(REFUSALS) for m in messages):
        assert _state(order) == before and len(mailoutbox) == sent, (action, data, messages)


# --- the carrier webhook ------------------------------------------------------------------

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


@FUZZ
@given(raw=webhook_bodies())
def test_signed_webhooks_are_accepted_or_refused_never_fail(
    client, settings, django_capture_on_commit_callbacks, raw
):
    settings.TRACKING_SIMULATOR_KEY = "fuzz-key"
    sign = hashlib.sha256(raw + b"/fuzz-key").hexdigest()
    recorded = TrackingWebhookEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/webhooks/carriers/simulator/", raw, content_type="application/json", HTTP_SIGN=sign
        )
    # The test client sends no content type with an empty body: 415 then.
    assert response.status_code in ((200, 202, 400) if raw else (415,))
    if response.status_code >= 400:
        assert TrackingWebhookEvent.objects.count() == recorded and not queued
