"""A shop's endpoints: registered, their secret rotated, switched on and off, deleted, tested."""

import secrets

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import user_has_shop_perm
from accounts.models import AuditAction
from accounts.roles import Perm
from accounts.services import audit_record
from orders.models import OrderEvent
from webhooks.exceptions import WebhookError
from webhooks.models import Delivery, Endpoint, EventType
from webhooks.payloads import envelope
from webhooks.services.deliveries import delivery_enqueue
from webhooks.signing import secret_new
from webhooks.targets import TargetRefused, target_check

SUBSCRIBABLE = [choice for choice in EventType if choice != EventType.TEST]


def _audit(action: str, endpoint: Endpoint, actor, request, what: str) -> None:
    """Audited like other ways data leaves the portal: who, which shop, which URL, what."""
    audit_record(
        action=action,
        actor=actor,
        shop=endpoint.shop,
        target=endpoint.url[:200],
        request=request,
        payload={"endpoint": endpoint.pk, "what": what},
    )


def _newest_event_id() -> int:
    return OrderEvent.objects.aggregate(top=Max("pk"))["top"] or 0


def endpoint_create(
    *,
    user,
    shop,
    url: str,
    events: list[str],
    include_buyer_contact: bool,
    description: str = "",
    request=None,
) -> Endpoint:
    """A new endpoint of `shop`, sent the events that happen from now on; its secret is on the
    returned row (shown once)."""
    if not user_has_shop_perm(user, shop, Perm.MANAGE_WEBHOOKS):
        raise WebhookError("You may not manage this shop's webhooks.")
    try:
        url = target_check(url)
    except TargetRefused as refused:
        raise WebhookError(str(refused)) from None
    unknown = sorted(set(events) - set(SUBSCRIBABLE))
    if unknown or not events:
        raise WebhookError("Choose at least one of the events listed.")
    if include_buyer_contact and not user_has_shop_perm(user, shop, Perm.SEE_BUYER_CONTACT):
        raise WebhookError("You may not see buyer contact data in this shop, so neither may it.")
    now = timezone.now()
    endpoint = Endpoint.objects.create(
        shop=shop,
        url=url,
        description=description,
        events=[str(choice) for choice in SUBSCRIBABLE if choice in events],
        include_buyer_contact=include_buyer_contact,
        secret=secret_new(),
        created_by=user,
        created_at=now,
        after_order_event_id=_newest_event_id(),
        after_export_finished_at=now,
    )
    contact = "with buyer contact" if include_buyer_contact else "buyer contact masked"
    _audit(
        AuditAction.WEBHOOK_CREATED,
        endpoint,
        user,
        request,
        f"{', '.join(endpoint.events)}; {contact}",
    )
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: Endpoint, actor=None, request=None) -> Endpoint:
    """A new secret at once; the old one signs nothing more."""
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret"])
    _audit(AuditAction.WEBHOOK_CHANGED, endpoint, actor, request, "secret rotated")
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: Endpoint, enabled: bool, actor=None, request=None) -> Endpoint:
    """Switched off: nothing sent. Switched on: its failures forgotten, the deliveries that
    wait sent, and events from now on (not those of the time it was off) read for it."""
    changed = ["enabled", "disabled_reason", "consecutive_failures", "failing_since"]
    endpoint.enabled = enabled
    endpoint.disabled_reason = "" if enabled else "Switched off by an administrator."
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    if enabled:
        endpoint.after_order_event_id = _newest_event_id()
        endpoint.after_export_finished_at = timezone.now()
        changed += ["after_order_event_id", "after_export_finished_at"]
    endpoint.save(update_fields=changed)
    what = "switched on" if enabled else "switched off"
    _audit(AuditAction.WEBHOOK_CHANGED, endpoint, actor, request, what)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor=None, request=None) -> None:
    _audit(AuditAction.WEBHOOK_DELETED, endpoint, actor, request, "deleted with its log")
    endpoint.delete()


@transaction.atomic
def endpoint_test_send(*, endpoint: Endpoint) -> Delivery:
    """A "test" event to the endpoint now, signed like any other."""
    if not endpoint.enabled:
        raise WebhookError("Switch the endpoint on before sending it a test event.")
    event_id = f"evt_test_{secrets.token_hex(8)}"
    body = envelope(
        event_id,
        EventType.TEST,
        timezone.now(),
        {"shop": endpoint.shop.slug, "message": "A test event from Seller Center."},
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type=EventType.TEST,
        body=body,
        queued_at=timezone.now(),
    )
    transaction.on_commit(lambda: delivery_enqueue(delivery.pk))
    return delivery
