"""TikTok's notifications at the door: refused, dropped, or recorded once and queued.

The `Authorization` header is checked over the exact bytes first (401 when it is missing or
wrong), then the body must be a JSON object with an integer `type` and a `shop_id` (400).
A notification for a TikTok shop no portal shop reads is answered 200 and logged, so TikTok
stops sending it. Each one is recorded by its `tts_notification_id` (or, lacking one, by a
hash of its type, shop and data): a repeat finds the record and is dropped, and the first is
handed to a task by name, so TikTok gets its 2xx well within its three seconds. What the task
does: tiktok/services/webhook_apply.py. docs/decisions.md "TikTok webhooks".
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.enqueue import registered_task
from tiktok.models import ConnectionState, TikTokConnection, TikTokWebhookEvent
from tiktok.signing import webhook_verify

log = logging.getLogger(__name__)
APPLY_TASK = "tiktok.tasks.tiktok_webhook_apply"  # the task's registered name
MAX_BODY = 1_000_000
ID_CHARS = 64


class WebhookRefused(Exception):
    """A notification refused at the door, with the HTTP status it is answered with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class WebhookReceipt:
    outcome: str  # "accepted", "duplicate", "unknown shop"


def notification_key(envelope: dict) -> str:
    """What makes a notification the same one, however often it is delivered."""
    given = envelope.get("tts_notification_id")
    if isinstance(given, (str, int)) and not isinstance(given, bool) and str(given).strip():
        key = str(given).strip()
        if len(key) <= ID_CHARS and key.isprintable():
            return key
    data = json.dumps(
        [envelope.get("type"), envelope.get("shop_id"), envelope.get("data")], sort_keys=True
    )
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()[: ID_CHARS - 7]


def _envelope(body: bytes) -> dict:
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise WebhookRefused(400, "Unreadable notification.") from None
    if not isinstance(envelope, dict):
        raise WebhookRefused(400, "A notification is a JSON object.")
    kind, shop_id = envelope.get("type"), envelope.get("shop_id")
    if not isinstance(kind, int) or isinstance(kind, bool) or not 0 <= kind < 2**31:
        raise WebhookRefused(400, "A notification has an integer type.")
    if not isinstance(shop_id, (str, int)) or isinstance(shop_id, bool):
        raise WebhookRefused(400, "A notification names its shop_id.")
    shop_id = str(shop_id)
    if not shop_id or len(shop_id) > 32 or not shop_id.isprintable():
        raise WebhookRefused(400, "A notification names its shop_id.")
    if not isinstance(envelope.get("data", {}), dict):
        raise WebhookRefused(400, "A notification's data is a JSON object.")
    return {**envelope, "shop_id": shop_id}


def tiktok_webhook_receive(*, body: bytes, authorization: str | None) -> WebhookReceipt:
    """Check, record and queue one notification; WebhookRefused says why it was not."""
    if len(body) > MAX_BODY:
        raise WebhookRefused(413, "Too large.")
    if not webhook_verify(
        app_key=settings.TIKTOK_APP_KEY,
        app_secret=settings.TIKTOK_APP_SECRET,
        body=body,
        authorization=authorization,
    ):
        log.warning("tiktok webhook refused: bad or missing signature")
        raise WebhookRefused(401, "Bad signature.")
    envelope = _envelope(body)
    kind, shop_id = envelope["type"], envelope["shop_id"]
    connection = (
        TikTokConnection.objects.filter(tiktok_shop_id=shop_id)
        .exclude(state=ConnectionState.DISCONNECTED)
        .only("pk")
        .first()
    )
    if connection is None:
        log.warning("tiktok webhook type %s for unknown TikTok shop %s ignored", kind, shop_id)
        return WebhookReceipt("unknown shop")
    key = notification_key(envelope)
    try:
        with transaction.atomic():
            TikTokWebhookEvent.objects.create(
                notification_id=key, type=kind, tiktok_shop_id=shop_id
            )
    except IntegrityError:
        log.info("tiktok webhook %s (type %s) delivered again: dropped", key, kind)
        return WebhookReceipt("duplicate")
    registered_task(APPLY_TASK).delay_on_commit(connection.pk, envelope)
    return WebhookReceipt("accepted")
