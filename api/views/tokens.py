"""The API tokens page (/accounts/tokens/): mine, made and revoked; and for shop
administrators, the tokens of their shops' members, which they may revoke."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.roles import Perm
from api.exceptions import TokenError
from api.forms import TokenCreateForm
from api.selectors.tokens import token_for_manager, tokens_of_managed_shops, tokens_of_owner
from api.services import token_create, token_revoke


def _page(request, form, *, created=None, status=200):
    context = {
        "form": form,
        "created": created,
        "mine": tokens_of_owner(user=request.user),
        "managed": tokens_of_managed_shops(user=request.user),
    }
    return render(request, "api/token_list.html", context, status=status)


@never_cache
@permission_required(Perm.VIEW_ORDERS)
def token_list(request):
    """My tokens and a form for a new one; a new token's secret is on this response only."""
    if request.method != "POST":
        return _page(request, TokenCreateForm(user=request.user))
    form = TokenCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        created = token_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            shops=list(form.cleaned_data["shops"]),
            scopes=form.cleaned_data["scopes"],
            expires_days=form.expires_days,
            request=request,
        )
    except TokenError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=400)
    return _page(request, TokenCreateForm(user=request.user), created=created)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def token_revoke_view(request, pk: int):
    """Revoke my token, or a member's token in a shop whose staff I manage."""
    token = token_for_manager(user=request.user, pk=pk)
    if token_revoke(token=token, actor=request.user, request=request):
        messages.success(request, f"Revoked “{token.name}”. It no longer works.")
    else:
        messages.info(request, f"“{token.name}” was already revoked.")
    return redirect("tokens:list")
