"""/webhooks/carriers/<provider>/: pushed tracking updates, verified, deduplicated, queued.

The signature (HMAC over the raw body) is checked here with a constant-time comparison, so
a forged or broken request gets a 4xx at once; an accepted one is recorded by event id (a
replay is answered 200 and dropped) and stored by a task, so the provider gets a fast 2xx.
"""

import logging

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..carriers import NotConfigured, adapter_for
from ..carriers.base import BadWebhook
from ..models import TrackingWebhookEvent
from ..tasks import tracking_webhook_apply

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000
SIGNATURE_HEADERS = ("sign", "aftership-hmac-sha256")


@csrf_exempt
@require_POST
def carrier_webhook(request, provider: str):
    try:
        adapter = adapter_for(provider)
    except NotConfigured:
        return HttpResponseNotFound("Unknown tracking provider.")
    body = request.body
    if len(body) > MAX_BODY:
        return HttpResponse("Too large.", status=413)
    headers = {name: request.headers.get(name) for name in SIGNATURE_HEADERS}
    try:
        updates = adapter.parse_webhook(body, headers)
    except BadWebhook as error:
        log.warning("%s webhook refused: %s", provider, error)
        if "signature" in str(error):
            return HttpResponse("Bad signature.", status=401)
        return HttpResponseBadRequest("Unreadable notification.")
    event_ids = {update.event_id for update in updates if update.event_id}
    try:
        with transaction.atomic():
            for event_id in event_ids:
                TrackingWebhookEvent.objects.create(provider=provider, event_id=event_id)
    except IntegrityError:
        return JsonResponse({"status": "duplicate"})
    if updates:
        transaction.on_commit(
            lambda: tracking_webhook_apply.delay(provider, body.decode(), headers)
        )
    return JsonResponse({"status": "accepted", "updates": len(updates)}, status=202)
