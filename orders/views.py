"""Order pages. Views translate HTTP only: access, input, one selector or service, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import (
    MissingShopPermission,
    permission_required,
    shops_for_user,
    user_has_perm_anywhere,
    user_has_shop_perm,
)
from accounts.roles import Perm

from .bulk_actions import BULK_ACTIONS, bulk_actions_for_user
from .exceptions import OrderError
from .filter_ui import filter_bar
from .forms import SavedViewChangeForm, SavedViewForm
from .querystring import canonical_query
from .selectors import order_overview_for_user
from .selectors.order_detail import order_detail_for_user, order_for_user
from .selectors.order_list import ForeignShop, order_list_counts, order_list_page
from .services import fulfilment, notes, refunds
from .services import messages as buyer_messages
from .services import saved_views as views_service
from .services.audit import buyer_data_view_record
from .services.selection import order_selection_resolve
from .services.status import allowed_next_statuses
from .statuses import RefundStatus


@login_required
def overview(request):
    """Home: each of my shops with my role, its orders per status and what must ship."""
    return render(
        request, "orders/overview.html", {"shops": order_overview_for_user(user=request.user)}
    )


@permission_required(Perm.VIEW_ORDERS)
@vary_on_headers("HX-Request", "HX-Target")
def order_list(request):
    """/orders/: filters in the URL; htmx requests get only the part they swap."""
    if not request.GET:
        default = views_service.default_saved_view(user=request.user)
        if default is not None and default.query_string:
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
        "query": query,
        "saved_views": saved,
        "active_view": next((v for v in saved if v.query_string == query), None),
        "save_form": SavedViewForm(
            shops=shops,
            initial={
                "query_string": query,
                "shop": (page.filterset.selected_shops or [None])[0],
            },
        ),
        "may_share": shops_for_user(request.user, Perm.MANAGE_STAFF).exists(),
        "bar": filter_bar(request.GET, page.filterset.shops),
        "bulk_actions": bulk_actions_for_user(request.user),
    }
    template = "orders/order_list.html"
    if request.htmx:
        template += "#results" if request.htmx.target == "results" else "#listing"
    return render(request, template, context)


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
        messages.error(
            request,
            "The view was not saved: "
            + "; ".join(
                f"{form.fields[name].label or name}: {errors[0]}"
                for name, errors in form.errors.items()
            ),
        )
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
    if not selected.exists():
        messages.error(request, "Select at least one order, or all matching orders.")
        return redirect(back)
    return action.run(request, selected)


@permission_required(Perm.VIEW_ORDERS)
def order_detail(request, order_id: str):
    """One order, everything about it; another shop's order is a 404."""
    detail = order_detail_for_user(user=request.user, order_id=order_id)
    if detail.unmasked:
        buyer_data_view_record(request=request, order=detail.order)
    templates = buyer_messages.reply_templates_for(detail.order)
    return render(
        request,
        "orders/order_detail.html",
        {
            "detail": detail,
            "order": detail.order,
            "can_add_notes": user_has_shop_perm(request.user, detail.order.shop, Perm.ADD_NOTES),
            "can_fulfil": user_has_shop_perm(
                request.user, detail.order.shop, Perm.CHANGE_ORDER_STATUS
            ),
            "next_statuses": [
                (s.value, s.label) for s in allowed_next_statuses(detail.order.status)
            ],
            "submission_id": uuid.uuid4().hex,
            "can_refund": user_has_shop_perm(
                request.user, detail.order.shop, Perm.INITIATE_REFUNDS
            ),
            "can_approve": user_has_shop_perm(
                request.user, detail.order.shop, Perm.APPROVE_REFUNDS
            ),
            "refundable": refunds.refundable_amount(detail.order),
            "can_message": user_has_shop_perm(request.user, detail.order.shop, Perm.MESSAGE_BUYERS),
            "reply_templates": templates,
            "message_initial": dict((code, text) for code, _, text in templates).get(
                request.GET.get("reply", ""), ""
            ),
        },
    )


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def order_note_add(request, order_id: str):
    """Add an internal note; 404 for another shop's order, 403 without the permission."""
    order = order_for_user(user=request.user, order_id=order_id)
    if not user_has_shop_perm(request.user, order.shop, Perm.ADD_NOTES):
        raise MissingShopPermission(Perm.ADD_NOTES)
    try:
        notes.order_note_add(
            order=order,
            author=request.user,
            body=request.POST.get("body", ""),
            submission_id=request.POST.get("submission_id", "")[:40],
        )
    except notes.NoteRefused as exc:
        messages.error(request, f"The note was not added: {exc}")
    else:
        messages.success(request, "Note added to the timeline.")
    return redirect("orders:detail", order_id=order.order_id)


def _fulfilment_action(request, order_id: str, act) -> HttpResponse:
    order = order_for_user(user=request.user, order_id=order_id)
    if not user_has_shop_perm(request.user, order.shop, Perm.CHANGE_ORDER_STATUS):
        raise MissingShopPermission(Perm.CHANGE_ORDER_STATUS)
    try:
        done = act(order)
    except (fulfilment.FulfilmentRefused, OrderError) as exc:
        messages.error(request, f"Nothing changed: {exc}")
    else:
        messages.success(request, done)
    return redirect("orders:detail", order_id=order.order_id)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def order_status_update(request, order_id: str):
    """Move the order to the next status chosen on the page."""

    def act(order):
        fulfilment.order_status_set(
            order=order,
            actor=request.user,
            new_status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
        order.refresh_from_db()
        return f"The order is now {order.get_status_display().lower()}."

    return _fulfilment_action(request, order_id, act)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def order_tracking_add(request, order_id: str):
    """Record a carrier and tracking number for the order's parcel."""

    def act(order):
        package = fulfilment.order_tracking_add(
            order=order,
            actor=request.user,
            carrier=request.POST.get("carrier", ""),
            tracking_number=request.POST.get("tracking_number", ""),
        )
        return (
            f"Tracking number {package.tracking_number} ({package.shipping_provider_name}) added."
        )

    return _fulfilment_action(request, order_id, act)


def _refund_quantities(post) -> dict[int, int]:
    """`qty_<line id>` fields with a positive whole number; anything else is refused."""
    quantities = {}
    for key, value in post.items():
        if key.startswith("qty_") and value.strip() not in ("", "0"):
            try:
                quantities[int(key[4:])] = int(value)
            except ValueError:
                raise refunds.RefundRefused("Quantities must be whole numbers.") from None
    return quantities


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def refund_create(request, order_id: str):
    """Refund an amount or items; above the shop's limit it waits for an administrator."""
    order = order_for_user(user=request.user, order_id=order_id)
    if not user_has_shop_perm(request.user, order.shop, Perm.INITIATE_REFUNDS):
        raise MissingShopPermission(Perm.INITIATE_REFUNDS)
    try:
        refund = refunds.refund_request(
            order=order,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            amount=request.POST.get("amount") or None,
            quantities=_refund_quantities(request.POST),
            include_shipping=request.POST.get("include_shipping") == "on",
            whole_order=request.POST.get("whole_order") == "on",
        )
    except refunds.RefundRefused as exc:
        messages.error(request, f"No refund was made: {exc}")
    else:
        waits = refund.status == RefundStatus.REQUESTED
        messages.success(
            request,
            f"Refund of {refund.amount} {order.currency} "
            + ("waits for an administrator's approval." if waits else "completed."),
        )
    return redirect("orders:detail", order_id=order.order_id)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def refund_decide(request, order_id: str, refund_id: int):
    """An administrator approves or rejects a refund that waits."""
    order = order_for_user(user=request.user, order_id=order_id)
    refund = get_object_or_404(order.refunds, pk=refund_id)
    if not user_has_shop_perm(request.user, order.shop, Perm.APPROVE_REFUNDS):
        raise MissingShopPermission(Perm.APPROVE_REFUNDS)
    approve = request.POST.get("decision") == "approve"
    try:
        refunds.refund_decide(refund=refund, actor=request.user, approve=approve)
    except refunds.RefundRefused as exc:
        messages.error(request, f"Nothing changed: {exc}")
    else:
        messages.success(
            request, "Refund approved and completed." if approve else "Refund rejected."
        )
    return redirect("orders:detail", order_id=order.order_id)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
def message_send(request, order_id: str):
    """Email the buyer; the message and its delivery state go into the timeline."""
    order = order_for_user(user=request.user, order_id=order_id)
    if not user_has_shop_perm(request.user, order.shop, Perm.MESSAGE_BUYERS):
        raise MissingShopPermission(Perm.MESSAGE_BUYERS)
    try:
        buyer_messages.order_message_send(
            order=order, sender=request.user, body=request.POST.get("body", "")
        )
    except buyer_messages.MessageRefused as exc:
        messages.error(request, f"Not sent: {exc}")
    else:
        messages.success(request, "Message sent to the buyer.")
    return redirect("orders:detail", order_id=order.order_id)


@permission_required(Perm.VIEW_ORDERS)
def packing_slip(request, order_id: str):
    """A printable packing slip: items, variations, quantities, address, instructions."""
    detail = order_detail_for_user(user=request.user, order_id=order_id)
    if detail.unmasked:
        buyer_data_view_record(request=request, order=detail.order)
    return render(request, "orders/packing_slip.html", {"detail": detail, "order": detail.order})
