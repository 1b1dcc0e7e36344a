"""A connection's tokens: exchanged from the authorization code, refreshed before they expire,
kept encrypted, and used by every call through `connection_call`.

One refresher at a time: a refresh locks the connection's row, and a second refresher that
waited finds the token already replaced and keeps it. A refresh TikTok refuses (or a refresh
token past its expiry) marks the connection as needing re-authorization and is audited; a
network failure or an outage is only recorded, for the next attempt.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Shop, User
from tiktok.client import TikTokClient
from tiktok.crypto import TokenUnreadable, token_reencrypt
from tiktok.exceptions import (
    ApiError,
    ConnectionUnusable,
    TikTokError,
    TokenExpired,
    TokenInvalid,
)
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.results import TokenGrant
from tiktok.services.connections import (
    connection_error_record,
    connection_needs_reauthorization,
    token_failure_audit,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
TOKEN_FIELDS = [
    "access_token_encrypted",
    "access_token_expires_at",
    "refresh_token_encrypted",
    "refresh_token_expires_at",
    "granted_scopes",
    "open_id",
    "updated_at",
]


def _store_grant(connection: TikTokConnection, grant: TokenGrant) -> None:
    connection.tokens_set(access_token=grant.access_token, refresh_token=grant.refresh_token)
    connection.access_token_expires_at = grant.access_token_expires_at
    connection.refresh_token_expires_at = grant.refresh_token_expires_at
    connection.granted_scopes = list(grant.granted_scopes)
    connection.open_id = grant.open_id


def connection_authorize(
    *,
    shop: Shop,
    auth_code: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    client: TikTokClient | None = None,
) -> TikTokConnection:
    """Exchange the code of TikTok's redirect for tokens, stored encrypted on the shop's
    connection (made if new, connected again if it was not). A refused code is audited."""
    client = client or TikTokClient.from_settings()
    try:
        grant = client.get_access_token(auth_code=auth_code)
    except TikTokError as error:
        token_failure_audit(shop=shop, error=error, step="exchange", actor=actor, request=request)
        raise
    with transaction.atomic():
        connection, _ = TikTokConnection.objects.select_for_update().get_or_create(shop=shop)
        if connection.state != ConnectionState.CONNECTED:
            connection.state = ConnectionState.CONNECTED
            connection.connected_at = timezone.now()
        _store_grant(connection, grant)
        # A new authorization: TikTok's warning about the one before no longer holds.
        connection.authorization_expires_at = connection.expiry_warned_at = None
        connection.save()
    return connection


def _refresh_due(connection: TikTokConnection, now: datetime) -> bool:
    margin = timedelta(hours=settings.TIKTOK_REFRESH_MARGIN_HOURS)
    expires = connection.access_token_expires_at
    return expires is None or expires <= now + margin


def connection_token_refresh(
    *,
    connection: TikTokConnection,
    client: TikTokClient | None = None,
    expired: str | None = None,
) -> TikTokConnection:
    """A new token pair if the access token is due (or is `expired`, the encrypted value a
    call was refused with); returns the connection as stored, raising what went wrong."""
    client = client or TikTokClient.from_settings()
    now = timezone.now()
    failure: Exception | None = None
    with transaction.atomic():
        locked = TikTokConnection.objects.select_related("shop").select_for_update()
        locked = locked.get(pk=connection.pk)
        if expired is not None and locked.access_token_encrypted != expired:
            return locked  # another worker has refreshed it meanwhile
        if expired is None and not _refresh_due(locked, now):
            return locked
        if locked.state != ConnectionState.CONNECTED:
            raise ConnectionUnusable(f"the TikTok connection is {locked.get_state_display()}")
        expiry = locked.refresh_token_expires_at
        try:
            if expiry is None or expiry <= now:
                raise TokenInvalid("the refresh token has expired: authorize again")
            grant = client.refresh_access_token(refresh_token=locked.refresh_token)
        except (ApiError, TokenUnreadable) as error:
            failure = error
            connection_needs_reauthorization(connection=locked, error=error, step="refresh")
        except TikTokError as error:  # unavailable, rate limited, or an unreadable answer
            failure = error
            connection_error_record(connection=locked, error=error)
        else:
            _store_grant(locked, grant)
            locked.save(update_fields=TOKEN_FIELDS)
    if failure is not None:
        log.warning("tiktok: token refresh for shop %s failed: %s", locked.shop_id, failure)
        raise failure
    return locked


def connection_call(
    *,
    connection: TikTokConnection,
    call: Callable[[str], T],
    client: TikTokClient | None = None,
) -> T:
    """`call(access_token)`; on an expired token, refresh once and call again. A token still
    refused after that, or refused as invalid, marks the connection as needing the seller to
    authorize again. `connection` is brought up to date with what was stored."""
    if connection.state != ConnectionState.CONNECTED:
        raise ConnectionUnusable(f"the TikTok connection is {connection.get_state_display()}")
    used = connection.access_token_encrypted
    try:
        return _call_once(connection, call)
    except TokenExpired:
        pass
    connection_token_refresh(connection=connection, client=client, expired=used)
    connection.refresh_from_db()
    try:
        return _call_once(connection, call)
    except TokenExpired as error:
        connection_needs_reauthorization(connection=connection, error=error, step="call")
        raise


def _call_once(connection: TikTokConnection, call: Callable[[str], T]) -> T:
    try:
        token = connection.access_token
    except TokenUnreadable as error:
        connection_needs_reauthorization(connection=connection, error=error, step="decrypt")
        raise
    try:
        return call(token)
    except TokenInvalid as error:
        connection_needs_reauthorization(connection=connection, error=error, step="call")
        raise


def tokens_refresh_due(*, client: TikTokClient | None = None) -> dict:
    """Refresh every connected token that expires within TIKTOK_REFRESH_MARGIN_HOURS (beat)."""
    margin = timedelta(hours=settings.TIKTOK_REFRESH_MARGIN_HOURS)
    due = TikTokConnection.objects.filter(
        state=ConnectionState.CONNECTED, access_token_expires_at__lte=timezone.now() + margin
    ).values_list("pk", flat=True)
    counts = {"refreshed": 0, "failed": 0}
    client = client or TikTokClient.from_settings()
    for pk in list(due):
        connection = TikTokConnection.objects.get(pk=pk)
        try:
            connection_token_refresh(connection=connection, client=client)
        except (TikTokError, TokenUnreadable):
            counts["failed"] += 1
        else:
            counts["refreshed"] += 1
    return counts


def tokens_reencrypt() -> dict:
    """Encrypt every stored token again under the first of TIKTOK_TOKEN_KEYS (key rotation);
    tokens no key decrypts are counted and left alone."""
    counts = {"reencrypted": 0, "unreadable": 0}
    for connection in TikTokConnection.objects.exclude(access_token_encrypted="").iterator():
        try:
            access = token_reencrypt(connection.access_token_encrypted)
            refresh = token_reencrypt(connection.refresh_token_encrypted)
        except TokenUnreadable:
            counts["unreadable"] += 1
            continue
        TikTokConnection.objects.filter(
            pk=connection.pk, access_token_encrypted=connection.access_token_encrypted
        ).update(access_token_encrypted=access, refresh_token_encrypted=refresh)
        counts["reencrypted"] += 1
    return counts
