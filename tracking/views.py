"""/webhooks/carriers/<provider>/: pushed tracking updates, verified, deduplicated, queued.

The checks (content type, size, the HMAC signature compared in constant time, a body the
worker can store) are the service's; a refused notification gets its 4xx at once and an
accepted one a fast 202, the update itself being stored by a task.
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tracking.exceptions import WebhookRefused
from tracking.services.webhooks import tracking_webhook_receive


@csrf_exempt
@require_POST
def carrier_webhook(request, provider: str):
    try:
        receipt = tracking_webhook_receive(
            provider=provider,
            body=request.body,
            headers=request.headers,
            content_type=request.content_type,
        )
    except WebhookRefused as refused:
        return HttpResponse(str(refused), status=refused.status, content_type="text/plain")
    if receipt.duplicate:
        return JsonResponse({"status": "duplicate"})
    return JsonResponse({"status": "accepted", "updates": receipt.updates}, status=202)
