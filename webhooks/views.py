"""/webhooks/: a shop administrator's endpoints, their delivery log and actions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.roles import Perm
from webhooks.exceptions import WebhookError
from webhooks.forms import EndpointForm
from webhooks.selectors import (
    deliveries_for_user,
    endpoint_log,
    endpoints_for_user,
)
from webhooks.services.deliveries import delivery_resend
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_test_send,
)

SHOWN_ONCE = "webhook_secret_once"  # the session key of a secret to show once


def _endpoint(request, pk: int):
    return get_object_or_404(endpoints_for_user(user=request.user), pk=pk)


def _show_secret_once(request, endpoint) -> None:
    request.session[SHOWN_ONCE] = {"pk": endpoint.pk, "secret": endpoint.secret}


@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_list(request):
    """The endpoints of the shops I manage webhooks for."""
    endpoints = endpoints_for_user(user=request.user)
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_new(request):
    """Register an endpoint; its secret is shown once, on the next page."""
    form = EndpointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = endpoint_create(user=request.user, request=request, **data)
        except WebhookError as error:
            form.add_error(None, str(error))
        else:
            _show_secret_once(request, endpoint)
            messages.success(request, "The endpoint is registered.")
            return redirect("webhooks:detail", pk=endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_new.html", {"form": form}, status=status)


@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_detail(request, pk: int):
    """An endpoint, its secret once after creation or rotation, and its delivery log."""
    endpoint = _endpoint(request, pk)
    shown = request.session.pop(SHOWN_ONCE, None)
    secret = shown["secret"] if shown and shown.get("pk") == endpoint.pk else None
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "deliveries": endpoint_log(endpoint=endpoint),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def endpoint_rotate(request, pk: int):
    """A new signing secret, shown once."""
    endpoint = endpoint_secret_rotate(
        endpoint=_endpoint(request, pk), actor=request.user, request=request
    )
    _show_secret_once(request, endpoint)
    messages.success(request, "A new secret signs every delivery from now on.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def endpoint_toggle(request, pk: int):
    """Switch the endpoint on or off."""
    endpoint = _endpoint(request, pk)
    endpoint_enable(
        endpoint=endpoint, enabled=not endpoint.enabled, actor=request.user, request=request
    )
    messages.success(request, "Switched on." if endpoint.enabled else "Switched off.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def endpoint_remove(request, pk: int):
    """Delete the endpoint and its log."""
    endpoint_delete(endpoint=_endpoint(request, pk), actor=request.user, request=request)
    messages.success(request, "The endpoint was deleted.")
    return redirect("webhooks:list")


@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def endpoint_test(request, pk: int):
    """Send the endpoint a test event."""
    endpoint = _endpoint(request, pk)
    try:
        endpoint_test_send(endpoint=endpoint)
    except WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "A test event is on its way; its delivery shows below.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def delivery_send_again(request, pk: int):
    """Send a delivery's event again, with the same event id."""
    delivery = get_object_or_404(deliveries_for_user(user=request.user), pk=pk)
    try:
        delivery_resend(delivery=delivery)
    except WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The event is being sent again.")
    return redirect("webhooks:detail", pk=delivery.endpoint_id)
