"""TikTok webhooks over HTTP: the official signed vector accepted, a forgery 401, an unreadable
body 400, an unknown shop 200, a replay applied once; the task re-fetches the orders from the
fake TikTok and stores them as the sync does, revokes on deauthorization, and emails the
administrators of an expiring authorization (tiktok/services/webhooks.py, webhook_apply.py)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from orders.models import Order, OrderEvent
from orders.statuses import OrderStatus
from tests.accounts.factories import member
from tests.orders.tiktok_objects import T0, tiktok_order
from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, ORDER_DETAIL, SHOP
from tests.tiktok.webhooks import (
    ORDER,
    URL,
    VECTOR_BODY,
    VECTOR_KEY,
    VECTOR_SECRET,
    VECTOR_SIGNATURE,
    Queue,
    envelope,
    post,
    status_note,
)
from tiktok.models import ConnectionState, TikTokConnection, TikTokWebhookEvent
from tiktok.services import webhooks as webhooks_module
from tiktok.services.sync import order_details_store
from tiktok.services.tokens import connection_authorize
from tiktok.signing import webhook_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    queue = Queue()
    monkeypatch.setattr(webhooks_module, "registered_task", queue)
    return queue


@pytest.fixture
def connection(shop, tiktok_settings, api):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    connection.tiktok_shop_id, connection.shop_cipher = SHOP["id"], SHOP["cipher"]
    connection.tiktok_shop_name = SHOP["name"]
    connection.save()
    return connection


def test_the_official_vector_is_accepted(client, shop, settings, queued):
    settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = VECTOR_KEY, VECTOR_SECRET
    TikTokConnection.objects.create(shop=shop, tiktok_shop_id="7495540735365777507")

    response = client.post(
        URL, VECTOR_BODY, content_type="application/json", HTTP_AUTHORIZATION=VECTOR_SIGNATURE
    )

    assert (response.status_code, response.content) == (200, b"")
    event = TikTokWebhookEvent.objects.get()
    assert (event.notification_id, event.type) == ("7380066284010030890", 1)
    assert queued.names == ["tiktok.tasks.tiktok_webhook_apply"] and len(queued) == 1


def test_the_task_is_registered_by_the_name_the_view_uses():
    from accounts.enqueue import registered_task

    assert registered_task(webhooks_module.APPLY_TASK).name == webhooks_module.APPLY_TASK


@pytest.mark.parametrize(
    "signature", ["", "0" * 64, VECTOR_SIGNATURE, "Bearer " + VECTOR_SIGNATURE]
)
def test_a_missing_or_wrong_signature_is_401_and_records_nothing(
    client, connection, queued, signature
):
    body = json.dumps(status_note(tiktok_order(ORDER))).encode()
    response = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=signature)
    assert (response.status_code, response.content) == (401, b"")
    assert not TikTokWebhookEvent.objects.exists() and not queued


def test_the_signature_covers_every_byte(client, connection, queued):
    body = json.dumps(status_note(tiktok_order(ORDER))).encode()
    header = webhook_signature(app_key=APP_KEY, app_secret=APP_SECRET, body=body)
    response = client.post(
        URL, body + b" ", content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401 and not queued


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe{}",
        b"[1, 2]",
        b'{"type": "1", "shop_id": "1"}',
        b'{"type": 1}',
        b'{"type": true, "shop_id": "1"}',
        b'{"type": 1, "shop_id": "1", "data": [1]}',
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_a_signed_but_unreadable_body_is_400(client, connection, queued, body):
    assert post(client, body).status_code == 400
    assert not TikTokWebhookEvent.objects.exists() and not queued


def test_an_unknown_shop_is_answered_200_and_logged(client, connection, queued, caplog):
    response = post(client, envelope(1, {"order_id": ORDER}, shop_id="7000000000000000001"))
    assert response.status_code == 200
    assert not TikTokWebhookEvent.objects.exists() and not queued
    assert "unknown TikTok shop 7000000000000000001" in caplog.text


def test_only_post_is_answered(client):
    assert client.get(URL).status_code == 405


def test_an_order_status_change_re_fetches_the_order_and_a_replay_changes_nothing(
    client, connection, queued, tiktok, api
):
    before = tiktok_order(ORDER, update=0)
    tiktok.orders_set(before)
    order_details_store(connection, api, [ORDER])  # stored by the sync
    cancelled = {**tiktok_order(ORDER, update=600, status="CANCELLED"), "cancel_reason": "Buyer"}
    for item in cancelled["line_items"]:
        item["display_status"] = "CANCELLED"
    tiktok.orders_set(cancelled)
    note = status_note(cancelled)

    assert post(client, note).status_code == 200
    assert post(client, note).status_code == 200  # TikTok delivers it again
    assert len(queued) == 1 and TikTokWebhookEvent.objects.count() == 1
    (result,) = queued.run()

    assert result["updated"] == 1
    order = Order.objects.get(order_id=ORDER)
    assert order.status == OrderStatus.CANCELLED
    assert tiktok.calls(ORDER_DETAIL)[-1]["query"]["ids"] == ORDER  # asked TikTok, not the note
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert event.payload["source"] == "webhook" and event.payload["to"] == OrderStatus.CANCELLED

    # Applied again (a task delivered twice), nothing changes.
    events = OrderEvent.objects.count()
    queued.append((connection.pk, note))
    again = queued.run()[0]
    assert again["unchanged"] == 1, again
    assert OrderEvent.objects.count() == events


def test_a_late_notification_cannot_overwrite_newer_data(client, connection, queued, tiktok, api):
    newer = tiktok_order(ORDER, update=900, status="IN_TRANSIT")
    tiktok.orders_set(newer)
    order_details_store(connection, api, [ORDER])
    stale = tiktok_order(ORDER, update=0)  # TikTok's answer lags behind what is stored
    tiktok.orders_set(stale)

    assert post(client, status_note(stale)).status_code == 200
    (result,) = queued.run()

    assert result["older"] == 1
    assert Order.objects.get(order_id=ORDER).status == OrderStatus.IN_TRANSIT


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (3, {"order_id": ORDER, "update_time": T0}),
        (
            4,
            {
                "sc_type": "SPLIT",
                "role_type": "ROLE_SELLER",
                "package_list": [{"package_id": "1153132168123859", "order_id_list": [ORDER]}],
                "update_time": T0,
            },
        ),
        (11, {"order_id": ORDER, "cancel_status": "CANCELLATION_REQUEST_PENDING"}),
        (12, {"order_id": ORDER, "return_status": "RETURN_OR_REFUND_REQUEST_PENDING"}),
    ],
)
def test_other_order_notifications_re_fetch_the_order(
    client, connection, queued, tiktok, kind, data
):
    tiktok.orders_set(tiktok_order(ORDER))
    assert post(client, envelope(kind, data)).status_code == 200
    (result,) = queued.run()
    assert result["created"] == 1
    assert tiktok.calls(ORDER_DETAIL)[-1]["query"]["ids"] == ORDER
    event = OrderEvent.objects.get(order__order_id=ORDER)
    assert event.payload["source"] == "webhook"


def test_a_deauthorization_revokes_the_connection_once_and_audited(client, connection, queued):
    message = f"Shop_id {SHOP['id']} is deauthorized from your APP by merchant."
    note = envelope(6, {"message": message})
    assert post(client, note).status_code == 200
    queued.append((connection.pk, {**note, "tts_notification_id": "a second one"}))
    results = queued.run()

    assert [r["revoked"] for r in results] == [True, False]
    connection.refresh_from_db()
    assert connection.state == ConnectionState.REVOKED
    audit = AuditEvent.objects.get(action=AuditAction.TIKTOK_REVOKED)
    assert audit.payload["message"] == message and audit.shop_id == connection.shop_id
    # The page says so, with the notification's message in its history.
    admin = member(shop=connection.shop, role=Role.ADMINISTRATOR, email="boss@example.test")
    client.force_login(admin)
    page = client.get(f"/shops/{connection.shop.slug}/tiktok/").content.decode()
    assert "Access removed in TikTok" in page and "deauthorized from your APP" in page


def test_a_deauthorization_older_than_the_connection_is_ignored(client, connection, queued):
    old = int((connection.connected_at - timedelta(hours=1)).timestamp())
    assert post(client, envelope(6, {"message": "old"}, at=old)).status_code == 200
    assert "skipped" in queued.run()[0]
    connection.refresh_from_db()
    assert connection.state == ConnectionState.CONNECTED


def test_an_expiring_authorization_emails_the_administrators_and_shows_on_the_page(
    client, connection, queued, django_capture_on_commit_callbacks
):
    shop = connection.shop
    admin = member(shop=shop, role=Role.ADMINISTRATOR, email="boss@example.test")
    member(shop=shop, role=Role.ADMINISTRATOR, email="second@example.test")
    member(shop=shop, role=Role.VIEWER, email="viewer@example.test")
    expires = int(timezone.now().timestamp()) + 30 * 86400
    data = {
        "message": "Your authorization for this app is expiring in 30 days.",
        "expiration_time": str(expires),
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, envelope(7, data)).status_code == 200
        queued.run()
        assert post(client, envelope(7, data)).status_code == 200  # the next day's warning
        queued.run()

    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.test", "second@example.test"]
    body = mail.outbox[0].body
    assert SHOP["name"] in body and "&" not in body.replace(shop.name, "")
    assert f"/shops/{shop.slug}/tiktok/" in body
    connection.refresh_from_db()
    assert connection.authorization_expires_at == datetime.fromtimestamp(expires, tz=UTC)

    client.force_login(admin)
    page = client.get(f"/shops/{shop.slug}/tiktok/").content.decode()
    assert "authorization expires on" in page and "Connect again" in page


def test_a_retried_expiry_warning_changes_nothing(client, connection, queued):
    member(shop=connection.shop, role=Role.ADMINISTRATOR, email="boss@example.test")
    note = envelope(7, {"expiration_time": str(int(timezone.now().timestamp()) + 86400)})
    for _ in range(3):
        assert post(client, note).status_code == 200
    assert len(queued) == 1
