"""Tokens: exchanged, stored encrypted, refreshed before they expire and once on an expired
token, and a refused refresh marks the connection for re-authorization with one audit event."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from tests.tiktok.conftest import TOKEN_KEY
from tests.tiktok.fake_tiktok import ACCESS_TOKEN, APP_SECRET, REFRESH_TOKEN, fail
from tiktok.crypto import TokenUnreadable
from tiktok.exceptions import (
    ConnectionUnusable,
    InvalidAuthCode,
    TokenExpired,
    TokenInvalid,
    Unavailable,
)
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services.tokens import (
    connection_authorize,
    connection_call,
    connection_token_refresh,
    tokens_reencrypt,
    tokens_refresh_due,
)
from tiktok.tasks import tiktok_tokens_refresh

pytestmark = pytest.mark.django_db
TOKEN_GET = "/api/v2/token/get"
TOKEN_REFRESH = "/api/v2/token/refresh"
NEW_ACCESS = "TTP_access_token_two"


@pytest.fixture
def connection(shop, tiktok_settings, api):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    connection.tiktok_shop_id = "7000714532876273420"
    connection.save()
    return connection


def failed_token_events():
    return AuditEvent.objects.filter(action=AuditAction.TIKTOK_TOKEN_FAILED)


def expire_in(connection, **delta):
    connection.access_token_expires_at = timezone.now() + timedelta(**delta)
    connection.save()


# --- Exchange ---------------------------------------------------------------------------------


def test_authorizing_stores_the_tokens_encrypted(shop, tiktok_settings, api):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    stored = TikTokConnection.objects.get(shop=shop)
    assert stored.state == ConnectionState.CONNECTED
    assert (stored.access_token, stored.refresh_token) == (ACCESS_TOKEN, REFRESH_TOKEN)
    for column in (stored.access_token_encrypted, stored.refresh_token_encrypted):
        assert column and ACCESS_TOKEN not in column and REFRESH_TOKEN not in column
    assert stored.granted_scopes == ["seller.authorization.info", "seller.order.info"]
    assert stored.access_token_expires_at > timezone.now() + timedelta(days=6)
    assert stored.open_id == "7010736057180325637"
    for shown in (str(connection), repr(connection)):
        assert ACCESS_TOKEN not in shown and stored.access_token_encrypted not in shown


def test_a_refused_code_connects_nothing_and_is_audited(shop, tiktok_settings, api, tiktok):
    tiktok.reply(TOKEN_GET, fail(36004004, "invalid auth code", request_id="REQ9"))
    with pytest.raises(InvalidAuthCode):
        connection_authorize(shop=shop, auth_code="ROW_used", client=api)
    assert not TikTokConnection.objects.exists()
    (event,) = failed_token_events()
    assert event.shop == shop
    assert event.payload["code"] == 36004004 and event.payload["request_id"] == "REQ9"
    assert "ROW_used" not in str(event.payload)


def test_authorizing_again_reconnects_a_connection_that_needed_it(connection, api):
    connection.state = ConnectionState.NEEDS_REAUTHORIZATION
    connection.save()
    again = connection_authorize(shop=connection.shop, auth_code="ROW_code2", client=api)
    assert again.pk == connection.pk and again.state == ConnectionState.CONNECTED
    assert again.tiktok_shop_id == "7000714532876273420"  # the chosen shop stays


# --- Refresh ----------------------------------------------------------------------------------


def test_a_token_far_from_expiry_is_not_refreshed(connection, api, tiktok):
    connection_token_refresh(connection=connection, client=api)
    assert tiktok.calls(TOKEN_REFRESH) == []


def test_a_token_within_the_margin_is_refreshed_and_the_new_pair_kept(connection, api, tiktok):
    expire_in(connection, hours=3)
    refreshed = connection_token_refresh(connection=connection, client=api)
    assert tiktok.calls(TOKEN_REFRESH)[0]["query"]["refresh_token"] == REFRESH_TOKEN
    stored = TikTokConnection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token) == (NEW_ACCESS, "TTP_refresh_token_two")
    assert refreshed.access_token_expires_at > timezone.now() + timedelta(days=6)


def test_a_refused_refresh_needs_reauthorization_audited_once(connection, api, tiktok):
    expire_in(connection, hours=1)
    tiktok.reply(TOKEN_REFRESH, fail(36004004, "invalid refresh token"))
    with pytest.raises(InvalidAuthCode):
        connection_token_refresh(connection=connection, client=api)
    with pytest.raises(ConnectionUnusable):  # a second worker asks nothing more of TikTok
        connection_token_refresh(connection=connection, client=api)
    stored = TikTokConnection.objects.get(pk=connection.pk)
    assert stored.state == ConnectionState.NEEDS_REAUTHORIZATION
    assert "invalid refresh token" in stored.last_error and stored.last_error_at
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1
    (event,) = failed_token_events()
    assert event.payload["step"] == "refresh" and event.shop == connection.shop


def test_an_outage_during_refresh_is_recorded_and_changes_no_state(connection, api, tiktok):
    expire_in(connection, hours=1)
    tiktok.reply(TOKEN_REFRESH, b"<html>Service Unavailable</html>", status=503)
    with pytest.raises(Unavailable):
        connection_token_refresh(connection=connection, client=api)
    stored = TikTokConnection.objects.get(pk=connection.pk)
    assert stored.state == ConnectionState.CONNECTED and "HTTP 503" in stored.last_error
    assert stored.access_token == ACCESS_TOKEN
    assert not failed_token_events().exists()


def test_an_expired_refresh_token_needs_reauthorization_without_a_call(connection, api, tiktok):
    connection.refresh_token_expires_at = timezone.now() - timedelta(minutes=1)
    connection.save()
    expire_in(connection, hours=1)
    with pytest.raises(TokenInvalid):
        connection_token_refresh(connection=connection, client=api)
    assert tiktok.calls(TOKEN_REFRESH) == []
    assert TikTokConnection.objects.get(pk=connection.pk).state == (
        ConnectionState.NEEDS_REAUTHORIZATION
    )


def test_a_second_refresher_keeps_the_token_the_first_one_got(connection, api, tiktok):
    seen = connection.access_token_encrypted
    connection_token_refresh(connection=connection, client=api, expired=seen)
    connection_token_refresh(connection=connection, client=api, expired=seen)
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1


def test_the_beat_task_refreshes_only_what_is_due(shop, other_shop, tiktok_settings, api, tiktok):
    due = connection_authorize(shop=shop, auth_code="a", client=api)
    later = connection_authorize(shop=other_shop, auth_code="b", client=api)
    expire_in(due, hours=2)
    assert tiktok_tokens_refresh() == {"refreshed": 1, "failed": 0, "states_purged": 0}
    assert TikTokConnection.objects.get(pk=due.pk).access_token == NEW_ACCESS
    assert TikTokConnection.objects.get(pk=later.pk).access_token == ACCESS_TOKEN


def test_the_beat_task_does_nothing_without_an_app_key(connection, settings, tiktok):
    settings.TIKTOK_APP_KEY = ""
    expire_in(connection, hours=1)
    assert tiktok_tokens_refresh()["skipped"]
    assert tiktok.calls(TOKEN_REFRESH) == []


def test_one_failing_connection_does_not_stop_the_others(
    shop, other_shop, tiktok_settings, api, tiktok
):
    first = connection_authorize(shop=shop, auth_code="a", client=api)
    second = connection_authorize(shop=other_shop, auth_code="b", client=api)
    expire_in(first, hours=1)
    expire_in(second, hours=1)
    tiktok.reply(TOKEN_REFRESH, fail(36004004, "invalid refresh token"))
    assert tokens_refresh_due(client=api) == {"refreshed": 1, "failed": 1}


# --- Calls with a token -----------------------------------------------------------------------


def test_an_expired_token_is_refreshed_once_and_the_call_made_again(connection, api, tiktok):
    tiktok.reply("/authorization/202309/shops", fail(105002, "Expired credentials."), status=401)
    shops = connection_call(
        connection=connection,
        call=lambda token: api.get_authorized_shops(access_token=token),
        client=api,
    )
    assert shops[0].id == "7000714532876273420"
    calls = tiktok.calls("/authorization/202309/shops")
    assert [c["headers"]["x-tts-access-token"] for c in calls] == [ACCESS_TOKEN, NEW_ACCESS]
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1
    assert connection.access_token == NEW_ACCESS


def test_still_expired_after_a_refresh_needs_reauthorization(connection, api, tiktok):
    tiktok.reply("/authorization/202309/shops", fail(105002, "Expired credentials."), times=2)
    with pytest.raises(TokenExpired):
        connection_call(
            connection=connection,
            call=lambda token: api.get_authorized_shops(access_token=token),
            client=api,
        )
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1
    assert connection.state == ConnectionState.NEEDS_REAUTHORIZATION
    assert TikTokConnection.objects.get(pk=connection.pk).state == (
        ConnectionState.NEEDS_REAUTHORIZATION
    )
    assert failed_token_events().count() == 1


def test_an_invalid_token_needs_reauthorization_without_a_refresh(connection, api, tiktok):
    message = "Invalid credentials. The `x-tts-access-token` header is invalid"
    tiktok.reply("/authorization/202309/shops", fail(36009004, message), status=401)
    with pytest.raises(TokenInvalid):
        connection_call(
            connection=connection,
            call=lambda token: api.get_authorized_shops(access_token=token),
            client=api,
        )
    assert tiktok.calls(TOKEN_REFRESH) == []
    assert connection.state == ConnectionState.NEEDS_REAUTHORIZATION


@pytest.mark.parametrize(
    "state",
    [ConnectionState.NEEDS_REAUTHORIZATION, ConnectionState.REVOKED, ConnectionState.DISCONNECTED],
)
def test_a_connection_that_is_not_connected_calls_nothing(connection, api, tiktok, state):
    connection.state = state
    connection.save()
    with pytest.raises(ConnectionUnusable):
        connection_call(connection=connection, call=lambda token: 1 / 0, client=api)
    assert [request["path"] for request in tiktok.requests] == [TOKEN_GET]  # the fixture's


# --- Keys -------------------------------------------------------------------------------------


def test_a_new_first_key_still_reads_old_tokens_and_reencrypts_them(connection, settings):
    from cryptography.fernet import Fernet

    new_key = Fernet.generate_key().decode()
    settings.TIKTOK_TOKEN_KEYS = [new_key, TOKEN_KEY]
    assert TikTokConnection.objects.get(pk=connection.pk).access_token == ACCESS_TOKEN
    call_command("tiktok_tokens_reencrypt", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.TIKTOK_TOKEN_KEYS = [new_key]  # the old key dropped
    stored = TikTokConnection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token) == (ACCESS_TOKEN, REFRESH_TOKEN)


def test_a_token_no_key_reads_needs_reauthorization(connection, api, settings, tiktok):
    from cryptography.fernet import Fernet

    settings.TIKTOK_TOKEN_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(TokenUnreadable):
        connection_call(connection=connection, call=lambda token: token, client=api)
    assert connection.state == ConnectionState.NEEDS_REAUTHORIZATION
    assert tokens_reencrypt() == {"reencrypted": 0, "unreadable": 1}


def test_tokens_are_never_logged_or_audited(shop, tiktok_settings, api, tiktok, caplog):
    caplog.set_level(logging.DEBUG)
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    expire_in(connection, hours=1)
    tiktok.reply(TOKEN_REFRESH, fail(36004004, "invalid refresh token"))
    with pytest.raises(InvalidAuthCode):
        connection_token_refresh(connection=connection, client=api)
    seen = (
        caplog.text
        + str(list(AuditEvent.objects.values()))
        + str(TikTokConnection.objects.values("last_error"))
    )
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, APP_SECRET, "ROW_code"):
        assert secret not in seen
    assert "invalid refresh token" in seen
