"""Connecting a portal shop to its TikTok shop from the shop's "TikTok Shop" page: the link to
TikTok's authorization page, the callback TikTok sends the seller back to, choosing which
authorized TikTok shop to link, and disconnecting. Each connect and disconnect is audited;
token failures are audited where they happen (tiktok.services.connections)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.models import AuditAction, Shop, User
from tiktok.client import TikTokClient
from tiktok.crypto import TokenUnreadable
from tiktok.exceptions import (
    ConnectRefused,
    InvalidAuthCode,
    NotConfigured,
    OAuthStateInvalid,
    TikTokError,
    Unavailable,
)
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.results import AuthorizedShop
from tiktok.selectors import connection_shops_for_user
from tiktok.services.connections import (
    connection_audit,
    connection_error_record,
    token_failure_audit,
)
from tiktok.services.oauth import authorize_url, oauth_state_consume, oauth_state_issue
from tiktok.services.sync import connection_sync_start
from tiktok.services.tokens import connection_authorize, connection_call


@dataclass(frozen=True)
class CallbackOutcome:
    shop: Shop
    connection: TikTokConnection
    linked: bool  # False: the person chooses among several TikTok shops next


def connection_authorize_url(*, shop: Shop, user: User) -> str:
    """TikTok's authorization page for `shop`, with a fresh single-use state."""
    return authorize_url(market=shop.market, state=oauth_state_issue(shop=shop, user=user))


def authorize_origins() -> list[str]:
    """Where Connect's form ends up (after our redirect): the page's form-action must allow
    TikTok's authorization pages, or the browser stops at the redirect."""
    urls = (settings.TIKTOK_AUTHORIZE_URL, settings.TIKTOK_AUTHORIZE_URL_US)
    return sorted({f"{part.scheme}://{part.netloc}" for part in map(urlsplit, urls)})


def tiktok_error_words(error: Exception) -> str:
    """What went wrong with TikTok, said for the person on the page."""
    if isinstance(error, InvalidAuthCode):
        return (
            "TikTok refused the authorization code: it was used already or is more than 30 "
            "minutes old. Connect again."
        )
    if isinstance(error, Unavailable):
        return "TikTok did not answer in time. Try again in a few minutes."
    if isinstance(error, NotConfigured):
        return "This portal has no TikTok app credentials yet: see the TikTok Shop page."
    if isinstance(error, TokenUnreadable):
        return "The stored authorization can no longer be read. Connect again."
    return f"TikTok refused: {error}"


def connection_callback(
    *,
    user: User,
    state: str,
    code: str,
    error: str = "",
    request: HttpRequest | None = None,
    client: TikTokClient | None = None,
) -> CallbackOutcome:
    """Take TikTok's redirect: check the state, exchange the code, and link the TikTok shop
    when there is only one to link. Raises ConnectRefused, having connected nothing, when the
    state is not genuine or TikTok refuses."""
    try:
        shop_id = oauth_state_consume(state=state, user=user)
    except OAuthStateInvalid as refused:
        raise ConnectRefused(f"Nothing was connected: {refused}.") from None
    shop = connection_shops_for_user(user=user).filter(pk=shop_id).first()
    if shop is None:
        raise ConnectRefused("Nothing was connected: you no longer manage that shop.")
    if error or not code or code == "null":
        said = (error or "no code")[:100]
        denied = ConnectRefused(f"TikTok did not authorize the portal ({said}).")
        token_failure_audit(shop=shop, error=denied, step="authorize", actor=user, request=request)
        raise ConnectRefused(f"Nothing was connected: {denied}")
    client = client or TikTokClient.from_settings()
    _release_link_taken_meanwhile(shop)
    try:
        connection = connection_authorize(
            shop=shop, auth_code=code, actor=user, request=request, client=client
        )
    except TikTokError as failure:
        raise ConnectRefused(f"Nothing was connected. {tiktok_error_words(failure)}") from None
    try:
        authorized = connection_authorized_shops(connection=connection, client=client)
    except ConnectRefused:
        return CallbackOutcome(shop=shop, connection=connection, linked=False)
    chosen = _obvious_choice(connection, authorized)
    if chosen is None:
        return CallbackOutcome(shop=shop, connection=connection, linked=False)
    connection_shop_link(connection=connection, tiktok_shop=chosen, actor=user, request=request)
    return CallbackOutcome(shop=shop, connection=connection, linked=True)


def _obvious_choice(
    connection: TikTokConnection, authorized: list[AuthorizedShop]
) -> AuthorizedShop | None:
    """The shop already linked, if TikTok still authorizes it; else the only one."""
    for candidate in authorized:
        if connection.tiktok_shop_id and candidate.id == connection.tiktok_shop_id:
            return candidate
    return authorized[0] if len(authorized) == 1 else None


def _release_link_taken_meanwhile(shop: Shop) -> None:
    """A disconnected connection keeps the id of the TikTok shop it read; if another portal
    shop has linked that TikTok shop since, reconnecting must not claim it back."""
    taken = TikTokConnection.objects.exclude(shop=shop).exclude(state=ConnectionState.DISCONNECTED)
    TikTokConnection.objects.filter(
        shop=shop,
        state=ConnectionState.DISCONNECTED,
        tiktok_shop_id__in=taken.exclude(tiktok_shop_id="").values("tiktok_shop_id"),
    ).update(tiktok_shop_id="", shop_cipher="")


def connection_authorized_shops(
    *, connection: TikTokConnection, client: TikTokClient | None = None
) -> list[AuthorizedShop]:
    """The TikTok shops the connection's token covers, asked of TikTok; ConnectRefused (and
    the error kept on the connection) when it cannot tell."""
    client = client or TikTokClient.from_settings()
    try:
        return connection_call(
            connection=connection,
            call=lambda token: client.get_authorized_shops(access_token=token),
            client=client,
        )
    except (TikTokError, TokenUnreadable) as failure:
        connection_error_record(connection=connection, error=failure)
        raise ConnectRefused(
            f"TikTok did not list the shops you authorized. {tiktok_error_words(failure)}"
        ) from None


def connection_shop_link(
    *,
    connection: TikTokConnection,
    tiktok_shop: AuthorizedShop,
    actor: User | None,
    request: HttpRequest | None = None,
) -> TikTokConnection:
    """Link the portal shop to one TikTok shop (id, cipher, name, region, seller type), audited
    as a connection, and start its sync at once (the first one back-fills). Another TikTok
    shop than before starts the sync afresh."""
    elsewhere = TikTokConnection.objects.filter(tiktok_shop_id=tiktok_shop.id).exclude(
        pk=connection.pk
    )
    if elsewhere.exclude(state=ConnectionState.DISCONNECTED).exists():
        raise ConnectRefused(_linked_elsewhere(tiktok_shop))
    if connection.tiktok_shop_id != tiktok_shop.id:
        connection.sync_cursor = connection.last_synced_at = None
    connection.tiktok_shop_id = tiktok_shop.id
    connection.tiktok_shop_name = tiktok_shop.name
    connection.shop_cipher = tiktok_shop.cipher
    connection.region = tiktok_shop.region
    connection.seller_type = tiktok_shop.seller_type
    connection.last_error = ""
    connection.last_error_at = None
    try:
        with transaction.atomic():
            connection.save()
            connection_audit(
                action=AuditAction.TIKTOK_CONNECTED,
                connection=connection,
                actor=actor,
                request=request,
                payload={
                    "tiktok_shop_id": tiktok_shop.id,
                    "name": tiktok_shop.name,
                    "region": tiktok_shop.region,
                    "seller_type": tiktok_shop.seller_type,
                    "granted_scopes": list(connection.granted_scopes or []),
                },
            )
            connection_sync_start(connection=connection)
    except IntegrityError:  # linked by another portal shop in the same instant
        connection.refresh_from_db()
        raise ConnectRefused(_linked_elsewhere(tiktok_shop)) from None
    return connection


def _linked_elsewhere(tiktok_shop: AuthorizedShop) -> str:
    return (
        f"The TikTok shop {tiktok_shop.name or tiktok_shop.id} is linked to another shop of "
        "this portal already; disconnect it there first."
    )


def connection_disconnect(
    *, connection: TikTokConnection, actor: User, request: HttpRequest | None = None
) -> TikTokConnection:
    """Stop reading the TikTok shop: the tokens are erased and the link kept as history,
    audited. TikTok is not told; the seller removes the app in TikTok Shop to revoke it
    there too."""
    with transaction.atomic():
        locked = TikTokConnection.objects.select_for_update().get(pk=connection.pk)
        if locked.state == ConnectionState.DISCONNECTED:
            return locked
        previous = locked.state
        locked.state = ConnectionState.DISCONNECTED
        locked.access_token_encrypted = locked.refresh_token_encrypted = ""
        locked.access_token_expires_at = locked.refresh_token_expires_at = None
        locked.save()
        connection_audit(
            action=AuditAction.TIKTOK_DISCONNECTED,
            connection=locked,
            actor=actor,
            request=request,
            payload={"tiktok_shop_id": locked.tiktok_shop_id, "previous_state": previous},
        )
    return locked
