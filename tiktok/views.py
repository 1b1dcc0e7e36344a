"""The "TikTok Shop" pages: a shop administrator connects the shop to TikTok Shop, watches
the connection, asks for a sync and disconnects. What each step does: docs/tiktok-connection.md."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.access import MissingShopPermission, permission_required, shops_for_user
from accounts.models import Shop
from accounts.roles import Perm
from tiktok.exceptions import ConnectRefused
from tiktok.forms import ChooseShopForm, SyncForm
from tiktok.selectors import (
    connection_for_shop,
    connection_page,
    connection_shops_for_user,
    connection_shops_in_view,
    tiktok_missing_settings,
)
from tiktok.services.linking import (
    authorize_origins,
    connection_authorize_url,
    connection_authorized_shops,
    connection_callback,
    connection_disconnect,
    connection_shop_link,
)
from tiktok.services.resync import connection_sync_request
from tiktok.services.webhooks import WebhookRefused, tiktok_webhook_receive

MANAGE = Perm.MANAGE_CONNECTIONS


def _shop(request, slug: str) -> Shop:
    """The shop of the URL if the user manages its connection; a member without the
    permission gets the 403 that names it, anyone else a 404."""
    shop = connection_shops_for_user(user=request.user).filter(slug=slug).first()
    if shop is not None:
        return shop
    if shops_for_user(request.user).filter(slug=slug).exists():
        raise MissingShopPermission(MANAGE)
    raise Http404("No such shop")


def _detail(request, page, form, status=200):
    response = render(
        request, "tiktok/connection_detail.html", {"page": page, "form": form}, status=status
    )
    response._csp_update = {"form-action": authorize_origins()}  # django-csp adds these
    return response


def _back(shop: Shop):
    return redirect("tiktok:connection", shop=shop.slug)


@permission_required(MANAGE)
@require_GET
def connection_list(request):
    """The shops I may connect, each with its state; straight to the page when only one."""
    shops = connection_shops_in_view(user=request.user)
    if len(shops) == 1:
        return _back(shops[0][0])
    return render(request, "tiktok/connection_list.html", {"shops": shops})


@permission_required(MANAGE)
@require_GET
def connection_detail(request, shop):
    """The shop's connection: state, scopes, linked TikTok shop, sync, errors and actions."""
    shop = _shop(request, shop)
    return _detail(request, connection_page(shop=shop), SyncForm(shop=shop))


@permission_required(MANAGE)
@require_POST
def connection_connect(request, shop):
    """Off to TikTok's authorization page, with a signed single-use state."""
    shop = _shop(request, shop)
    if tiktok_missing_settings():
        messages.error(request, "Set the TikTok app's credentials first (listed below).")
        return _back(shop)
    return redirect(connection_authorize_url(shop=shop, user=request.user))


@login_required
@require_GET
def connection_callback_view(request):
    """Where TikTok sends the seller back: links the shop, or says why nothing was connected."""
    try:
        outcome = connection_callback(
            user=request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            request=request,
        )
    except ConnectRefused as refused:
        return render(request, "tiktok/callback_failed.html", {"reason": str(refused)}, status=400)
    if not outcome.linked:
        return redirect("tiktok:choose", shop=outcome.shop.slug)
    messages.success(
        request, f"Connected to the TikTok shop {outcome.connection.tiktok_shop_name}."
    )
    return _back(outcome.shop)


@permission_required(MANAGE)
def connection_choose(request, shop):
    """Several TikTok shops authorized: the administrator picks the one for this shop."""
    shop = _shop(request, shop)
    page = connection_page(shop=shop)
    if page.connection is None or page.state not in ("choose_shop", "connected"):
        messages.error(request, "Connect to TikTok Shop first.")
        return _back(shop)
    try:
        authorized = connection_authorized_shops(connection=page.connection)
    except ConnectRefused as refused:
        context = {"page": page, "form": None, "problem": str(refused)}
        return render(request, "tiktok/connection_choose.html", context, status=502)
    form = ChooseShopForm(request.POST or None, authorized=authorized)
    if request.method == "POST" and form.is_valid():
        try:
            connection_shop_link(
                connection=page.connection,
                tiktok_shop=form.chosen(),
                actor=request.user,
                request=request,
            )
        except ConnectRefused as refused:
            form.add_error("tiktok_shop", str(refused))
        else:
            messages.success(request, f"Connected to the TikTok shop {form.chosen().name}.")
            return _back(shop)
    status = 400 if form.errors else 200
    context = {"page": page, "form": form, "problem": ""}
    return render(request, "tiktok/connection_choose.html", context, status=status)


@permission_required(MANAGE)
@require_POST
def connection_sync(request, shop):
    """ "Sync now", or "Re-sync from a date" when the form names one."""
    shop = _shop(request, shop)
    form = SyncForm(request.POST, shop=shop)
    if not form.is_valid():
        return _detail(request, connection_page(shop=shop), form, status=400)
    since = form.cleaned_data["since"]
    try:
        connection_sync_request(
            connection=connection_for_shop(shop=shop),
            since=since,
            actor=request.user,
            request=request,
        )
    except ConnectRefused as refused:
        messages.error(request, str(refused))
    else:
        words = f"from {since:%b %-d, %Y}" if since else "of recent changes"
        messages.success(request, f"A sync {words} has started; new orders appear shortly.")
    return _back(shop)


@permission_required(MANAGE)
@require_POST
def connection_disconnect_view(request, shop):
    """Stop reading the TikTok shop; orders already here stay."""
    shop = _shop(request, shop)
    connection = connection_for_shop(shop=shop)
    if connection is not None:
        connection_disconnect(connection=connection, actor=request.user, request=request)
        messages.success(request, "Disconnected: the portal no longer reads this TikTok shop.")
    return _back(shop)


@csrf_exempt
@require_POST
def tiktok_webhook(request):
    """/webhooks/tiktok/: TikTok's notifications. No sign-in: the signature is the credential.
    TikTok wants 200 (or 401) with an empty body within three seconds; the work is a task's."""
    try:
        tiktok_webhook_receive(
            body=request.body, authorization=request.headers.get("Authorization")
        )
    except WebhookRefused as refused:
        text = "" if refused.status == 401 else str(refused)
        return HttpResponse(text, status=refused.status, content_type="text/plain")
    return HttpResponse(status=200)
