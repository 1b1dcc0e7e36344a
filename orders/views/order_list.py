"""The overview, the order list and what hangs off it: counts, saved views, bulk actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import (
    MissingShopPermission,
    permission_required,
    shops_for_user,
    shops_in_view,
    user_has_perm_anywhere,
)
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from orders.bulk_actions import BULK_ACTIONS, bulk_actions_for_user
from orders.filter_ui import filter_bar
from orders.form_fields import error_lines
from orders.forms import SavedViewChangeForm, SavedViewForm
from orders.querystring import NOTHING_SET, canonical_query, without_empty
from orders.selectors import order_overview_for_user
from orders.selectors.order_list import ForeignShop, order_list_counts, order_list_page
from orders.services import saved_views as views_service
from orders.services.selection import SelectionRefused, order_selection_resolve


@login_required
def overview(request):
    """Home: each of my shops with my role, its orders per status and what must ship."""
    return render(
        request, "orders/overview.html", {"shops": order_overview_for_user(user=request.user)}
    )


@permission_required(Perm.VIEW_ORDERS)
@htmx_varies
def order_list(request):
    """/orders/: filters in the URL; htmx requests get only the part they swap."""
    default = views_service.default_saved_view(user=request.user)
    if not request.GET and default is not None and canonical_query(QueryDict(default.query_string)):
        return redirect(f"{reverse('orders:list')}?{default.query_string}")
    try:
        page = order_list_page(user=request.user, query=request.GET)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    query = canonical_query(page.query)
    saved = list(views_service.saved_views_for_user(user=request.user))
    shops = shops_for_user(request.user, Perm.VIEW_ORDERS)
    context = {
        "page": page,
        "counts": page,  # tabs without numbers; htmx fetches them from orders:counts
        "form": page.filterset.form,
        "filter_errors": error_lines(page.filterset.form),
        "query": query,
        "saved_views": saved,
        # Views saved before defaults were dropped still hold them: both sides are normalised.
        "active_view": next(
            (v for v in saved if canonical_query(QueryDict(v.query_string)) == query), None
        ),
        "save_form": SavedViewForm(
            shops=shops,
            initial={
                "query_string": query,
                "shop": (page.filterset.selected_shops or [None])[0],
            },
        ),
        "may_share": shops_for_user(request.user, Perm.MANAGE_STAFF).exists(),
        "bar": filter_bar(
            request.GET,
            _bar_shops(request, page.filterset.shops),
            known=page.filterset.known_values(),
            needs_action=[counter.code for counter in page.needs_action],
        ),
        "bulk_actions": bulk_actions_for_user(request.user),
    }
    template = "orders/order_list.html"
    if not htmx_partial(request):
        return render(request, template, context)
    template += "#results" if request.htmx.target == "results" else "#listing"
    response = render(request, template, context)
    # The address htmx pushes: only what is set, not the empty values and defaults a GET
    # form sends for every control; with nothing set, an address that stays put on reload.
    set_params = without_empty(request.GET).urlencode()
    nothing = NOTHING_SET if default is not None else ""
    response["HX-Push-Url"] = reverse("orders:list") + (f"?{set_params}" if set_params else nothing)
    return response


def _bar_shops(request, shops: list) -> list:
    """The shops the filter bar's Shop select offers (decisions.md, "Two shop pickers"):
    the header's switcher scopes the whole portal; the bar's select narrows this list only,
    so it is offered while the portal shows several shops, or while the address names one."""
    if request.GET.get("shop") or shops_in_view(request.user, Perm.VIEW_ORDERS).count() > 1:
        return shops
    return []


@permission_required(Perm.VIEW_ORDERS)
def order_counts(request):
    """The tabs and needs-action counters with their numbers (htmx loads them after the page)."""
    try:
        counts = order_list_counts(user=request.user, query=request.GET)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    return render(request, "orders/order_list.html#counts", {"counts": counts})


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def saved_view_create(request):
    form = SavedViewForm(request.POST, shops=shops_for_user(request.user, Perm.VIEW_ORDERS))
    query = request.POST.get("query_string", "")
    if not form.is_valid():
        messages.error(request, f"The view was not saved: {' '.join(error_lines(form))}")
        return redirect(f"{reverse('orders:list')}?{query}")
    data = form.cleaned_data
    try:
        view = views_service.saved_view_create(
            user=request.user,
            shop=data["shop"],
            name=data["name"],
            query_string=canonical_query(QueryDict(data["query_string"])),
            shared=data["shared"],
            make_default=data["make_default"],
        )
    except views_service.SavedViewError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('orders:list')}?{query}")
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(f"{reverse('orders:list')}?{view.query_string}")


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def saved_view_change(request, pk: int):
    view = get_object_or_404(views_service.saved_views_for_user(user=request.user), pk=pk)
    form = SavedViewChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose rename, delete or make default.")
        return redirect("orders:list")
    action, name = form.cleaned_data["action"], form.cleaned_data["name"]
    try:
        if action == "rename":
            views_service.saved_view_rename(user=request.user, view=view, name=name)
            messages.success(request, f"Renamed the view to “{view.name}”.")
        elif action == "delete":
            views_service.saved_view_delete(user=request.user, view=view)
            messages.success(request, f"Deleted the view “{view.name}”.")
            return redirect(f"{reverse('orders:list')}?sort=-created")
        else:
            views_service.saved_view_make_default(user=request.user, view=view)
            messages.success(request, f"“{view.name}” now opens when you open Orders.")
    except views_service.SavedViewError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('orders:list')}?{view.query_string}")


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def bulk_action(request):
    """Run a registered bulk action on the ticked orders or on all orders matching the filters."""
    action = BULK_ACTIONS.get(request.POST.get("action", ""))
    query = QueryDict(request.POST.get("query", ""))
    back = f"{reverse('orders:list')}?{canonical_query(query)}"
    if action is None:
        messages.error(request, "Choose what to do with the selected orders.")
        return redirect(back)
    if not user_has_perm_anywhere(request.user, action.perm):
        raise MissingShopPermission(action.perm)
    try:
        selected = order_selection_resolve(
            user=request.user,
            ids=request.POST.getlist("ids"),
            query=query,
            perm=action.perm,
            all_matching=request.POST.get("all_matching") == "1",
        )
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    except SelectionRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    if not selected.exists():
        messages.error(request, "Select at least one order, or all matching orders.")
        return redirect(back)
    return action.run(request, selected)
