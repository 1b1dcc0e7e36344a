"""/webhooks/: a shop administrator's endpoints, their delivery log and actions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
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


def _endpoint(request, pk: int):
    return get_object_or_404(endpoints_for_user(user=request.user), pk=pk)


def _detail_page(request, endpoint, *, secret: str | None = None, status: int = 200):
    """The endpoint's page; with `secret` only on the response of the POST that made it (not
    kept in the session, a message or a URL, and not cached: `never_cache` on those views)."""
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "deliveries": endpoint_log(endpoint=endpoint),
    }
    return render(request, "webhooks/endpoint_detail.html", context, status=status)


@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_list(request):
    """The endpoints of the shops I manage webhooks for."""
    endpoints = endpoints_for_user(user=request.user)
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@never_cache
@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_new(request):
    """Register an endpoint; its secret is shown once, on this response."""
    form = EndpointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = endpoint_create(user=request.user, request=request, **data)
        except WebhookError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The endpoint is registered.")
            return _detail_page(request, endpoint, secret=endpoint.secret, status=201)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_new.html", {"form": form}, status=status)


@permission_required(Perm.MANAGE_WEBHOOKS)
def endpoint_detail(request, pk: int):
    """An endpoint and its delivery log (its secret never: only when made or rotated)."""
    return _detail_page(request, _endpoint(request, pk))


@never_cache
@permission_required(Perm.MANAGE_WEBHOOKS)
@require_POST
def endpoint_rotate(request, pk: int):
    """A new signing secret, shown once, on this response."""
    endpoint = endpoint_secret_rotate(
        endpoint=_endpoint(request, pk), actor=request.user, request=request
    )
    messages.success(request, "A new secret signs every delivery from now on.")
    return _detail_page(request, endpoint, secret=endpoint.secret)


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
