"""The order list's TikTok bulk actions (registered in apps.py on orders.bulk_actions) and
their per-order results page; the merged labels PDF. Views translate HTTP only."""

import time
import uuid
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import permission_required
from accounts.roles import Perm
from orders.forms import BulkActionForm
from orders.querystring import canonical_query
from orders.selectors import order_list_for_user
from tiktok.services.bulk import BulkRow, arrange_row_now, bulk_arrange, bulk_labels, labels_merged

SESSION_PREFIX = "tiktok_bulk_"
RUNS_KEPT = 5


def _back(request) -> str:
    form = BulkActionForm(request.POST)
    form.full_clean()  # valid: the order list's bulk view ran the same form before calling us
    query = QueryDict(form.cleaned_data.get("query", ""))
    return f"{reverse('orders:list')}?{canonical_query(query)}"


def _too_many(request, selected) -> bool:
    limit = settings.TIKTOK_BULK_MAX_ORDERS
    count = selected.count()
    if count <= limit:
        return False
    messages.error(
        request,
        f"Nothing was done: {count} orders are selected, and one bulk action takes at most "
        f"{limit}. Tick fewer orders, or narrow the filters.",
    )
    return True


def _run_keep(request, kind: str, rows: list[BulkRow]) -> str:
    token = f"{time.time_ns():x}{uuid.uuid4().hex[:8]}"  # sorts by age
    runs = sorted(k for k in request.session.keys() if k.startswith(SESSION_PREFIX))  # noqa: SIM118 - a session has no __iter__
    for old in runs[: max(0, len(runs) - RUNS_KEPT + 1)]:
        del request.session[old]
    request.session[f"{SESSION_PREFIX}{token}"] = {
        "kind": kind,
        "rows": [asdict(row) for row in rows],
    }
    return token


def _run(request, token: str) -> dict:
    run = request.session.get(f"{SESSION_PREFIX}{token}")
    if run is None:
        raise Http404("These results are no longer kept: run the action again from the list.")
    return run


def bulk_arrange_action(request, selected) -> HttpResponse:
    """The bulk bar's "Arrange shipment": TikTok's first handover for each ticked order."""
    if _too_many(request, selected):
        return redirect(_back(request))
    rows = bulk_arrange(user=request.user, orders=selected)
    return redirect("tiktok:bulk_results", token=_run_keep(request, "arrange", rows))


def bulk_labels_action(request, selected) -> HttpResponse:
    """The bulk bar's "Print labels": the ticked orders' shipping labels, in one PDF."""
    if _too_many(request, selected):
        return redirect(_back(request))
    rows = bulk_labels(orders=selected)
    return redirect("tiktok:bulk_results", token=_run_keep(request, "labels", rows))


@permission_required(Perm.CHANGE_ORDER_STATUS)
def bulk_results(request, token: str):
    """One result per order of a bulk action; an arrangement's follows TikTok's answer."""
    run = _run(request, token)
    rows = [BulkRow(**row) for row in run["rows"]]
    if run["kind"] == "arrange":
        rows = [arrange_row_now(row) for row in rows]
    labels = [row for row in rows if row.package_pk is not None]
    context = {
        "kind": run["kind"],
        "rows": rows,
        "token": token,
        "labels": len(labels),
        "waiting": any(row.tone == "info" for row in rows),
        "done": sum(row.tone == "success" for row in rows),
    }
    return render(request, "tiktok/bulk_results.html", context)


@permission_required(Perm.CHANGE_ORDER_STATUS)
def bulk_labels_pdf(request, token: str):
    """The labels of a "Print labels" run, merged into one PDF (only orders the person may
    still fulfil)."""
    run = _run(request, token)
    pks = [row["package_pk"] for row in run["rows"] if row.get("package_pk")]
    orders = order_list_for_user(user=request.user, perm=Perm.CHANGE_ORDER_STATUS)
    body, pages = labels_merged(orders=orders, package_pks=pks)
    if not pages:
        raise Http404("None of these labels is kept any more: print them again from the list.")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tiktok-labels-{token[:8]}.pdf"'
    return response
