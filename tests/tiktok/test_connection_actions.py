"""What a connected shop's page does: "Sync now" and "Re-sync from a date" queue the sync task
by its registered name (and say so when there is none), "Disconnect" erases the tokens and is
audited, and connecting again links the same TikTok shop."""

import importlib
from datetime import date, timedelta

import pytest
from celery import current_app
from django.apps import apps
from django.utils import timezone
from guardian.shortcuts import get_perms

from accounts.models import AuditAction, AuditEvent, ShopUserObjectPermission
from accounts.roles import Perm
from tests.tiktok.fake_tiktok import SHOP
from tests.tiktok.pages import connect, page_url
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services import sync

pytestmark = pytest.mark.django_db


class RecordedTask:
    def __init__(self):
        self.sent = []

    def delay_on_commit(self, *args):
        self.sent.append(args)


@pytest.fixture
def connected(client, admin, shop, connect_settings):
    client.force_login(admin)
    connect(client, shop)
    return TikTokConnection.objects.get(shop=shop)


@pytest.fixture
def sync_task(monkeypatch):
    task = RecordedTask()
    monkeypatch.setattr(sync, "registered_task", lambda name: task)
    return task


def test_linking_a_shop_starts_its_first_sync_at_once(
    client, admin, shop, connect_settings, sync_task, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, shop)

    connection = TikTokConnection.objects.get(shop=shop)
    assert sync_task.sent == [(connection.pk, None)]  # not a minute later, with beat


def test_sync_now_queues_the_sync_of_the_connection(client, shop, connected, sync_task):
    response = client.post(page_url(shop, "sync"), follow=True)
    assert sync_task.sent == [(connected.pk, None)]
    assert "A sync of recent changes has started" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.TIKTOK_RESYNC).exists()


def test_a_resync_starts_at_the_days_start_in_the_shops_zone_and_is_audited(
    client, shop, connected, sync_task
):
    client.post(page_url(shop, "sync"), {"since": "2026-11-01"})
    assert sync_task.sent == [(connected.pk, "2026-11-01T00:00:00-07:00")]  # Los Angeles
    event = AuditEvent.objects.get(action=AuditAction.TIKTOK_RESYNC)
    assert event.shop == shop and event.payload == {"since": "2026-11-01T00:00:00-07:00"}


def test_a_resync_from_the_future_is_refused(client, shop, connected, sync_task):
    tomorrow = date.today() + timedelta(days=2)
    response = client.post(page_url(shop, "sync"), {"since": tomorrow.isoformat()})
    assert response.status_code == 400 and "a day in the past" in response.text
    assert sync_task.sent == []


def test_a_shop_not_connected_cannot_sync(client, admin, shop, connect_settings, sync_task):
    client.force_login(admin)
    response = client.post(page_url(shop, "sync"), follow=True)
    assert "Connect a TikTok shop first" in response.text
    assert sync_task.sent == []


def test_disconnect_erases_the_tokens_and_is_audited(client, shop, connected):
    response = client.post(page_url(shop, "disconnect"), follow=True)
    assert "no longer reads this TikTok shop" in response.text
    connection = TikTokConnection.objects.get(pk=connected.pk)
    assert connection.state == ConnectionState.DISCONNECTED
    assert connection.access_token_encrypted == connection.refresh_token_encrypted == ""
    event = AuditEvent.objects.get(action=AuditAction.TIKTOK_DISCONNECTED)
    assert event.payload == {"tiktok_shop_id": SHOP["id"], "previous_state": "connected"}
    page = client.get(page_url(shop)).text
    assert "Disconnected" in page and b">Connect again</button>" in page.encode()
    client.post(page_url(shop, "disconnect"))
    assert AuditEvent.objects.filter(action=AuditAction.TIKTOK_DISCONNECTED).count() == 1


def test_connecting_again_keeps_the_sync_cursor_of_the_same_tiktok_shop(client, shop, connected):
    cursor = timezone.now() - timedelta(minutes=5)
    TikTokConnection.objects.filter(pk=connected.pk).update(sync_cursor=cursor)
    client.post(page_url(shop, "disconnect"))
    connect(client, shop)
    connection = TikTokConnection.objects.get(pk=connected.pk)
    assert connection.state == ConnectionState.CONNECTED
    assert connection.sync_cursor == cursor
    assert "Behind TikTok by" in client.get(page_url(shop)).text


def test_the_page_shows_the_last_problem_and_the_failures(client, shop, connected):
    TikTokConnection.objects.filter(pk=connected.pk).update(
        last_error="TikTok is down · HTTP 503", last_error_at=timezone.now()
    )
    assert "TikTok is down · HTTP 503" in client.get(page_url(shop)).text


def test_administrators_hold_the_connections_permission_and_only_they(role_users, shop):
    for role, user in role_users.items():
        held = Perm.MANAGE_CONNECTIONS.value in get_perms(user, shop)
        assert held == (role == "administrator"), role


def test_the_migration_gives_existing_administrators_the_permission(role_users, shop):
    ShopUserObjectPermission.objects.filter(permission__codename="manage_connections").delete()
    migration = importlib.import_module("accounts.migrations.0008_manage_connections")
    migration.grant_to_administrators(apps, None)
    holders = ShopUserObjectPermission.objects.filter(permission__codename="manage_connections")
    assert [row.user for row in holders] == [role_users["administrator"]]


def test_a_registered_sync_task_is_found_by_name_and_queued_after_the_commit(
    client, shop, connected, monkeypatch, django_capture_on_commit_callbacks
):
    name = "tests.tiktok.sync_probe"

    def sync_probe(connection_id, since):
        return None

    current_app.task(name=name)(sync_probe)
    monkeypatch.setattr(sync, "SYNC_TASK", name)
    try:
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = client.post(page_url(shop, "sync"), follow=True)
    finally:
        current_app.tasks.unregister(name)
    assert "A sync of recent changes has started" in response.text
    assert len(queued) == 1  # sent once the request's transaction commits
