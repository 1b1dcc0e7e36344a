"""What a TikTok notification, already verified and taken once, makes the portal do.

An order notification (status, address, package, cancellation, return) is only a signal: the
orders it names are fetched again from TikTok and stored exactly as the sync stores them (and
a cancellation's or return's request by its id, through Search Cancellations or Returns), so
a repeated or late notification finds them unchanged (or older than what is stored) and
changes nothing. A deauthorization marks the connection revoked; a warning that the
authorization expires is kept on the connection and told to the shop's administrators.
docs/decisions.md "TikTok webhooks".
"""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction
from accounts.selectors import shop_administrator_emails
from orders.statuses import RequestKind
from tiktok.client import ORDER_DETAIL_MAX_IDS, TikTokClient
from tiktok.exceptions import ConnectionUnusable, TikTokError
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services.connections import connection_audit, connection_error_record
from tiktok.services.request_sync import requests_fetch
from tiktok.services.sync import order_details_store

log = logging.getLogger(__name__)
ORDER_STATUS, RECIPIENT_ADDRESS, PACKAGE, CANCELLATION, RETURN = 1, 3, 4, 11, 12
ORDER_TYPES = frozenset({ORDER_STATUS, RECIPIENT_ADDRESS, PACKAGE, CANCELLATION, RETURN})
DEAUTHORIZATION, AUTHORIZATION_EXPIRING = 6, 7
SOURCE = "webhook"
WARN_AGAIN = timedelta(days=7)  # TikTok warns daily; administrators hear of it weekly


def webhook_order_ids(envelope: dict) -> list[str]:
    """The TikTok orders a notification is about: its `order_id`, or for a package change
    each order of each package."""
    data = envelope.get("data")
    data = data if isinstance(data, dict) else {}
    ids = [data.get("order_id")]
    packages = data.get("package_list")
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and isinstance(package.get("order_id_list"), list):
            ids.extend(package["order_id_list"])
    found = [str(i) for i in ids if isinstance(i, (str, int)) and not isinstance(i, bool)]
    return [i for i in dict.fromkeys(found) if i.isascii() and i.isdigit() and len(i) <= 32]


def tiktok_webhook_apply(
    *, connection_id: int, envelope: dict, client: TikTokClient | None = None
) -> dict:
    """Act on one notification for the connection; what was done, for the task's result."""
    connection = TikTokConnection.objects.select_related("shop").filter(pk=connection_id).first()
    kind = envelope.get("type")
    if connection is None:
        return {"skipped": "the connection no longer exists"}
    if kind in ORDER_TYPES:
        return _orders_fetch(connection, envelope, client or TikTokClient.from_settings())
    if kind == DEAUTHORIZATION:
        return _revoke(connection, envelope)
    if kind == AUTHORIZATION_EXPIRING:
        return _expiring(connection, envelope)
    log.info("tiktok webhook type %s for shop %s: nothing to do", kind, connection.shop.slug)
    return {"skipped": f"type {kind} is not handled"}


def _orders_fetch(connection: TikTokConnection, envelope: dict, client: TikTokClient) -> dict:
    ids = webhook_order_ids(envelope)
    if not ids:
        log.warning("tiktok webhook type %s names no order", envelope.get("type"))
        return {"skipped": "no order named"}
    if connection.state != ConnectionState.CONNECTED:
        return {"skipped": f"the connection is {connection.get_state_display().lower()}"}
    stored = {}
    try:
        for start in range(0, len(ids), ORDER_DETAIL_MAX_IDS):
            chunk = ids[start : start + ORDER_DETAIL_MAX_IDS]
            report = order_details_store(connection, client, chunk, source=SOURCE)
            stored = {k: stored.get(k, 0) + v for k, v in report.as_dict().items()}
        stored |= _request_fetch(connection, envelope, client)
    except ConnectionUnusable as error:  # marked and audited by connection_call
        return {"error": str(error)}
    except TikTokError as error:  # the sync reads the order later anyway
        log.warning("tiktok webhook re-fetch for shop %s failed: %s", connection.shop.slug, error)
        connection_error_record(connection=connection, error=error)
        return {"error": str(error)}
    return stored


# A request notification names the request: its id field, by type.
REQUEST_IDS = {
    CANCELLATION: (RequestKind.CANCELLATION, "cancel_id"),
    RETURN: (RequestKind.RETURN, "return_id"),
}


def _request_fetch(connection: TikTokConnection, envelope: dict, client: TikTokClient) -> dict:
    """Types 11 and 12: the request named read again by id (Search Cancellations or Returns)
    and stored as TikTok says it; the order itself was read just before."""
    kind, name = REQUEST_IDS.get(envelope.get("type"), (None, ""))
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    request_id = data.get(name) if kind else None
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        request_id = str(request_id)
    if not (isinstance(request_id, str) and request_id.isascii() and request_id.isdigit()):
        return {}
    return requests_fetch(connection, client, kind, [request_id[:32]], SOURCE).as_dict()


def _pushed_at(envelope: dict) -> datetime | None:
    stamp = envelope.get("timestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and 0 < stamp < 2**33:
        return datetime.fromtimestamp(stamp, tz=UTC)
    return None


def _revoke(connection: TikTokConnection, envelope: dict) -> dict:
    """Revoked, once and audited; a notification pushed before the shop connected again is
    about the authorization that went before, and is ignored."""
    pushed = _pushed_at(envelope)
    if pushed is not None and pushed < connection.connected_at.replace(microsecond=0):
        return {"skipped": "older than the current authorization"}
    data = envelope.get("data")
    message = str(data.get("message") or "")[:300] if isinstance(data, dict) else ""
    message = "".join(char for char in message if char.isprintable())  # the audit stores it
    now = timezone.now()
    with transaction.atomic():
        changed = (
            TikTokConnection.objects.filter(pk=connection.pk)
            .exclude(state__in=[ConnectionState.REVOKED, ConnectionState.DISCONNECTED])
            .update(state=ConnectionState.REVOKED, updated_at=now)
        )
        if changed:
            connection_audit(
                action=AuditAction.TIKTOK_REVOKED,
                connection=connection,
                actor=None,
                request=None,
                payload={"message": message, "source": SOURCE},
            )
    log.warning("tiktok shop %s deauthorized the portal", connection.tiktok_shop_id)
    return {"revoked": bool(changed)}


def _expiry(envelope: dict) -> datetime | None:
    data = envelope.get("data")
    value = data.get("expiration_time") if isinstance(data, dict) else None
    try:
        stamp = int(str(value).strip())
    except ValueError:
        return None
    return datetime.fromtimestamp(stamp, tz=UTC) if 0 < stamp < 2**33 else None


def _expiring(connection: TikTokConnection, envelope: dict) -> dict:
    """Kept on the connection; the administrators emailed when the expiry is new to us or
    they were last told WARN_AGAIN ago."""
    expires = _expiry(envelope)
    if expires is None:
        log.warning("tiktok expiry warning without a readable expiration_time: ignored")
        return {"skipped": "no expiration time"}
    now = timezone.now()
    with transaction.atomic():
        locked = TikTokConnection.objects.select_for_update().get(pk=connection.pk)
        if locked.state != ConnectionState.CONNECTED:
            return {"skipped": f"the connection is {locked.get_state_display().lower()}"}
        warned = locked.expiry_warned_at
        tell = (
            locked.authorization_expires_at != expires or not warned or now - warned >= WARN_AGAIN
        )
        TikTokConnection.objects.filter(pk=locked.pk).update(
            authorization_expires_at=expires,
            expiry_warned_at=now if tell else warned,
            updated_at=now,
        )
        if tell:
            transaction.on_commit(lambda: _administrators_tell(connection, expires))
    return {"expires": expires.isoformat(), "emailed": tell}


def _administrators_tell(connection: TikTokConnection, expires: datetime) -> None:
    shop = connection.shop
    emails = shop_administrator_emails(shop=shop)
    if not emails:
        return
    context = {
        "shop": shop.name,
        "tiktok_shop": connection.tiktok_shop_name or connection.tiktok_shop_id,
        "expires": timezone.localtime(expires, timezone=_zone(shop.timezone)),
        "link": settings.SITE_URL.rstrip("/") + reverse("tiktok:connection", args=[shop.slug]),
    }
    subject = render_to_string("tiktok/email/expiring_subject.txt", context).strip()
    message = render_to_string("tiktok/email/expiring.txt", context)
    for email in emails:  # one each: administrators' addresses are not shown to one another
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
