"""/finance/differences/: what reconciliation found that does not match, as a work list; an
accountant marks one explained with a note, or reopens an explanation (both audited)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import MissingShopPermission, permission_required
from accounts.roles import Perm
from finance.forms import DifferenceFilterForm, ExplainForm
from finance.models import DifferenceKind
from finance.selectors.differences import difference_counts, difference_page, differences_of
from finance.selectors.scope import may_explain
from finance.services.differences import (
    DifferenceNotExplained,
    DifferenceNotReopened,
    difference_explain,
    difference_reopen,
)
from finance.views.scope import finance_nav, query_without_page, request_shops
from orders.form_fields import error_lines


@permission_required(Perm.VIEW_FINANCE)
def difference_list(request):
    """The differences of the shops in view, open ones first by default, by kind and status."""
    form = DifferenceFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {"status": "open", "page": 1}
    shops = request_shops(request, data.get("shop", "") if valid else "")
    explainers = {shop.pk for shop in shops if may_explain(user=request.user, shop=shop)}
    context = {
        **finance_nav(request, "differences"),
        "form": form,
        "errors": [] if valid else error_lines(form),
        "counts": difference_counts(shops=shops),
        "kinds": DifferenceKind.choices,
        "status": data.get("status", ""),
        "explainers": explainers,
        "query": query_without_page(request),
        "back": request.get_full_path(),
        "page": None,
    }
    if valid:
        context["page"] = difference_page(
            shops=shops, status=data["status"], kind=data.get("kind", ""), page=data["page"]
        )
    return render(request, "finance/difference_list.html", context, status=200 if valid else 400)


def _explainable(request, pk: int):
    """The difference `pk` of the shops in view; 404 outside them, 403 without the permission
    to explain in its shop."""
    difference = get_object_or_404(differences_of(shops=request_shops(request)), pk=pk)
    if not may_explain(user=request.user, shop=difference.shop):
        raise MissingShopPermission(Perm.EXPLAIN_DIFFERENCES)
    return difference


def _back(request) -> str:
    """Back to the work list as it was (a path of ours only)."""
    back = request.POST.get("next", "")
    list_url = reverse("finance:differences")
    return back if back.startswith(list_url) else list_url


@permission_required(Perm.VIEW_FINANCE)
@require_POST
def difference_explain_view(request, pk: int):
    """Mark a difference explained with a note; 404 outside one's shops, 403 without the
    permission to explain in its shop."""
    difference = _explainable(request, pk)
    form = ExplainForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not marked as explained. {form.errors['note'][0]}")
        return redirect(_back(request))
    try:
        difference_explain(
            difference=difference,
            user=request.user,
            note=form.cleaned_data["note"],
            request=request,
        )
    except DifferenceNotExplained as refused:
        messages.error(request, f"Not marked as explained: {refused}")
    else:
        messages.success(request, "Marked as explained; the note is kept with the difference.")
    return redirect(_back(request))


@permission_required(Perm.VIEW_FINANCE)
@require_POST
def difference_reopen_view(request, pk: int):
    """Take an explanation back: the difference is open again (404 outside one's shops, 403
    without the permission to explain in its shop)."""
    difference = _explainable(request, pk)
    try:
        difference_reopen(difference=difference, user=request.user, request=request)
    except DifferenceNotReopened as refused:
        messages.error(request, f"Not reopened: {refused}")
    else:
        messages.success(
            request, "Reopened; the difference is open again and its note was dropped."
        )
    return redirect(_back(request))
