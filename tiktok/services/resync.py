"""Asking a worker to sync a connected shop now, or again from a date (audited).

The sync task is named, not imported (services never import tasks): it takes the
connection's id and, for a re-sync, the start as an ISO 8601 time in the shop's zone.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest

from accounts.models import AuditAction, User
from tiktok.exceptions import ConnectRefused
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services.connections import connection_audit
from tiktok.services.sync import connection_sync_start


def connection_sync_request(
    *,
    connection: TikTokConnection | None,
    since: date | None,
    actor: User,
    request: HttpRequest | None = None,
) -> datetime | None:
    """Queue a sync of the linked TikTok shop, from the start of `since` (in the shop's zone)
    when given; returns that start. Refused unless the shop is connected and linked."""
    if (
        connection is None
        or connection.state != ConnectionState.CONNECTED
        or not connection.tiktok_shop_id
    ):
        raise ConnectRefused("Connect a TikTok shop first: there is nothing to sync.")
    start = None
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=ZoneInfo(connection.shop.timezone))
    with transaction.atomic():
        if start is not None:
            connection_audit(
                action=AuditAction.TIKTOK_RESYNC,
                connection=connection,
                actor=actor,
                request=request,
                payload={"since": start.isoformat()},
            )
        connection_sync_start(connection=connection, since=start)
    return start
