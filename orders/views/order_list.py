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
    shop_ids_for_user,
    shop_ids_in_view,
    shop_list_for_user,
    user_has_perm_anywhere,
)
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from orders.bulk_actions import BULK_ACTIONS, bulk_actions_for_user
from orders.exceptions import ForeignShop
from orders.filter_ui import filter_bar
from orders.form_fields import error_lines, first_error
from orders.forms import BulkActionForm, SavedViewChangeForm, SavedViewForm
from orders.querystring import NOTHING_SET, canonical_query, without_empty
from orders.selectors.order_counts import order_list_counts
from orders.selectors.order_list import order_list_page
from orders.selectors.overview import order_overview_for_user
from orders.selectors.saved_views import default_saved_view, saved_views_for_user
from orders.selectors.selection import SelectionRefused, order_selection_resolve
from orders.services import saved_views as views_service


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
    saved = list(saved_views_for_user(user=request.user))
    default = default_saved_view(saved, user=request.user)
    if not request.GET and default is not None and canonical_query(QueryDict(default.query_string)):
        return redirect(f"{reverse('orders:list')}?{default.query_string}")
    try:
        page = order_list_page(user=request.user, query=request.GET)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    query = canonical_query(page.query)
    context = {
        "list_url": reverse("orders:list"),  # once: the tabs, chips and pages all link to it
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
            shops=page.filterset.shops,
            initial={
                "query_string": query,
                "shop": next((shop.slug for shop in page.filterset.selected_shops[:1]), None),
            },
        ),
        "may_share": bool(shop_ids_for_user(request.user, Perm.MANAGE_STAFF)),
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
    if request.GET.get("shop") or len(shop_ids_in_view(request.user, Perm.VIEW_ORDERS)) > 1:
        return shops
    return []


@permission_required(Perm.VIEW_ORDERS)
def order_counts(request):
    """The tabs and needs-action counters with their numbers (htmx loads them after the page)."""
    try:
        counts = order_list_counts(user=request.user, query=request.GET)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    context = {"counts": counts, "list_url": reverse("orders:list")}
    return render(request, "orders/order_list.html#counts", context)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def saved_view_create(request):
    form = SavedViewForm(request.POST, shops=shop_list_for_user(request.user, Perm.VIEW_ORDERS))
    query = form["query_string"].value() or ""  # as sent: where a refusal takes the person back
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
    view = get_object_or_404(saved_views_for_user(user=request.user), pk=pk)
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
    form = BulkActionForm(request.POST)
    valid = form.is_valid()
    query = QueryDict(form.cleaned_data.get("query", ""))
    back = f"{reverse('orders:list')}?{canonical_query(query)}"
    if not valid:
        messages.error(request, (form.errors.get("action") or [first_error(form)])[0])
        return redirect(back)
    action = BULK_ACTIONS[form.cleaned_data["action"]]
    if not user_has_perm_anywhere(request.user, action.perm):
        raise MissingShopPermission(action.perm)
    try:
        selected = order_selection_resolve(
            user=request.user,
            ids=form.cleaned_data["ids"],
            query=query,
            perm=action.perm,
            all_matching=form.cleaned_data["all_matching"],
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
