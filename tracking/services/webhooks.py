"""A carrier's pushed notification at the door: refused, or recorded once and queued.

Everything the worker could not store is refused here with a 4xx, before anything is
recorded, so a provider sees its mistake at once and the worker never crashes on it: not
JSON by its content type (415), too large (413), a bad signature (401), then a body that is
not a UTF-8 JSON object, nests absurdly deep, or holds a control character in any key or
string (400; PostgreSQL refuses NUL even inside JSON). An accepted notification is recorded
by event id (a replay is reported as a duplicate and dropped) and stored by a task.
"""

import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.enqueue import registered_task
from orders.form_fields import control_character
from orders.models import Package
from tracking.carriers import NotConfigured, adapter_for
from tracking.carriers.base import BadSignature, BadWebhook
from tracking.models import TrackingWebhookEvent
from tracking.services.checkpoints import tracking_apply

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000
MAX_DEPTH = 32  # carriers nest about six levels; deeper is an attack on the JSON parser
SIGNATURE_HEADERS = ("sign", "aftership-hmac-sha256")
JSON = "application/json"
TRACKING_WEBHOOK_APPLY = "orders.tasks.tracking_webhook_apply"  # the task's registered name


class WebhookRefused(Exception):
    """The notification is not accepted; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class WebhookReceipt:
    updates: int
    duplicate: bool = False


def tracking_webhook_receive(
    *, provider: str, body: bytes, headers: dict, content_type: str
) -> WebhookReceipt:
    """Check, record and queue one notification; WebhookRefused says why it was not."""
    try:
        adapter = adapter_for(provider)
    except NotConfigured:
        raise WebhookRefused(404, "Unknown tracking provider.") from None
    if content_type != JSON:
        raise WebhookRefused(415, f"Send notifications as {JSON}.")
    if len(body) > MAX_BODY:
        raise WebhookRefused(413, "Too large.")
    signatures = {name: headers.get(name) for name in SIGNATURE_HEADERS}
    try:
        updates = adapter.parse_webhook(body, signatures)
        _check_storable(body)
    except BadSignature as error:
        log.warning("%s webhook refused: %s", provider, error)
        raise WebhookRefused(401, "Bad signature.") from None
    except (BadWebhook, RecursionError) as error:
        log.warning("%s webhook refused: %s", provider, str(error)[:200])
        raise WebhookRefused(400, "Unreadable notification.") from None
    event_ids = {update.event_id for update in updates if update.event_id}
    try:
        with transaction.atomic():
            for event_id in event_ids:
                TrackingWebhookEvent.objects.create(provider=provider, event_id=event_id)
    except IntegrityError:
        return WebhookReceipt(updates=len(updates), duplicate=True)
    if updates:
        task = registered_task(TRACKING_WEBHOOK_APPLY)
        task.delay_on_commit(provider, body.decode("utf-8"), signatures)
    return WebhookReceipt(updates=len(updates))


def tracking_webhook_store(*, provider: str, body: str, headers: dict) -> dict:
    """Store a pushed update (already verified and deduplicated at receipt) on each package
    with its tracking number; how many were applied and how many numbers were unknown."""
    adapter = adapter_for(provider)
    applied = ignored = 0
    for update in adapter.parse_webhook(body.encode(), headers):
        packages = Package.objects.filter(
            tracking_provider=provider, tracking_number=update.tracking_number
        ).values_list("pk", flat=True)
        if not packages:
            log.info(
                "%s webhook for unknown tracking number %s ignored",
                provider,
                update.tracking_number,
            )
            ignored += 1
        for pk in packages:
            tracking_apply(package_id=pk, update=update)
            applied += 1
    return {"applied": applied, "ignored": ignored}


def _check_storable(body: bytes) -> None:
    """BadWebhook unless the body is UTF-8 JSON (the task reads it so) whose keys and strings
    hold no control character other than line breaks and tabs, nested at most MAX_DEPTH."""
    try:
        data = json.loads(body.decode("utf-8"))  # strict: no UTF-16, no byte-order mark
    except ValueError as error:  # UnicodeDecodeError is one
        raise BadWebhook(f"not UTF-8 JSON: {error}") from None
    pending = [(data, 1)]  # a loop, not recursion: the depth is what is being checked
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise BadWebhook(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and (found := control_character(value, multiline=True)):
            raise BadWebhook(f"control character {found} in the body")
