"""One order: the detail page, its actions and the packing slip."""

import functools
import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import (
    MissingShopPermission,
    permission_required,
    user_has_shop_perm,
)
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm, roles_holding
from orders.exceptions import OrderError
from orders.form_fields import first_error
from orders.forms import (
    ArrangeForm,
    CancelForm,
    MessageForm,
    NoteForm,
    RefundDecisionForm,
    RefundForm,
    StatusForm,
    TrackingForm,
)
from orders.links import order_url
from orders.page_parts import order_page_parts
from orders.platform import PlatformUnavailable, platform_for
from orders.selectors.buyer_requests import request_cards_with_platform
from orders.selectors.order_detail import AmbiguousOrder, order_detail_for_user, order_for_user
from orders.services import arrange, fulfilment, notes, refunds, seller_cancel
from orders.services import messages as buyer_messages
from orders.services.audit import buyer_data_view_record
from orders.services.status import (
    allowed_next_statuses,
    order_status_choose,
    platform_status_owner,
)
from orders.statuses import OrderStatus, RefundStatus


def _shop(request) -> str:
    """The shop named by `?shop=`, for an order id that several of the user's shops hold."""
    return request.GET.get("shop", "")[:60]


def one_order(view):
    """When the order id is in several of the user's shops and no `?shop=` picks one, the page
    lists them to choose from (a POST changes nothing: 409)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AmbiguousOrder as ambiguous:
            status = 200 if request.method == "GET" else 409
            context = {"orders": ambiguous.orders}
            return render(request, "orders/order_choose_shop.html", context, status=status)

    return wrapped


def _order_for_action(request, order_id: str, perm: Perm):
    """The order an action targets: 404 outside the user's shops, 403 without `perm`."""
    order = order_for_user(user=request.user, order_id=order_id, shop=_shop(request))
    if not user_has_shop_perm(request.user, order.shop, perm):
        raise MissingShopPermission(perm)
    return order


def _who_may(perm: Perm) -> str:
    """The roles holding `perm`, as a person reads them: "shop administrator"."""
    return " or ".join(f"shop {role.label.lower()}" for role in roles_holding(perm))


def _valid(form, refused: type[OrderError]) -> dict:
    """The form's cleaned data; otherwise `refused` with its first error, shown to the person
    exactly like a refusal of the service."""
    if not form.is_valid():
        raise refused(first_error(form))
    return form.cleaned_data


def _fulfilment_choices(request, detail) -> dict:
    """Whether the person may fulfil the order, and the statuses they may move it to, in the
    order's life order (so the one preselected is the next step, never "Cancelled")."""
    order = detail.order
    allowed = allowed_next_statuses(order.status, tracked=detail.has_tracking_number)
    can_fulfil = user_has_shop_perm(request.user, order.shop, Perm.CHANGE_ORDER_STATUS)
    can_add_tracking = can_fulfil and fulfilment.tracking_allowed(order)
    return {
        "can_fulfil": can_fulfil,
        "can_add_tracking": can_add_tracking,
        "next_statuses": [(s.value, s.label) for s in OrderStatus if s in allowed],
        "status_owner": "",
        **_platform_choices(order, can_fulfil, can_add_tracking),
    }


def _platform_choices(order, can_fulfil: bool, can_add_tracking: bool) -> dict:
    """For a connected shop: the marketplace's carriers for the order (or why there are
    none), and what the marketplace said of the last action."""
    platform = platform_for(order)
    if platform is None:
        return {}
    choices = {
        "platform": platform.name,
        "platform_notice": platform.notice(order),
        "next_statuses": [],  # the marketplace sets the status (order_status_choose)
        "status_owner": platform_status_owner(platform.name) if can_fulfil else "",
    }
    if can_fulfil and not can_add_tracking:
        choices["shipping_refusal"] = platform.shipping_refusal(order)
    if can_fulfil:
        try:
            choices["cancel_reasons"] = platform.cancel_reasons(order)
        except PlatformUnavailable as error:
            choices["cancel_error"] = str(error)
    if can_add_tracking:
        try:
            choices["carriers"] = platform.carriers(order)
        except PlatformUnavailable as error:
            choices["carriers_error"] = str(error)
    if can_fulfil:
        choices["documents"] = platform.documents(order)
    if can_fulfil and arrange.arrange_allowed(order):
        choices["can_arrange"] = True
        try:
            choices["handover"] = platform.handover_options(order)
        except PlatformUnavailable as error:
            choices["handover_error"] = str(error)
    return choices


@permission_required(Perm.VIEW_ORDERS)
@htmx_varies
@one_order
def order_detail(request, order_id: str):
    """One order, everything about it; another shop's order is a 404."""
    detail = order_detail_for_user(user=request.user, order_id=order_id, shop=_shop(request))
    if htmx_partial(request):
        # The packages section refreshing itself: no buyer data in it, so no audit entry.
        context = {"detail": detail, "order": detail.order, "status_oob": True}
        if request.GET.get("seen") != detail.order.status:
            # The carrier moved the order, and so where a person may move it next. Only then:
            # swapping the form on every poll would wipe what someone is typing into it.
            context |= _fulfilment_choices(request, detail)
        return render(request, "orders/order_detail.html#tracking", context)
    if detail.unmasked:
        buyer_data_view_record(request=request, order=detail.order)
    templates = buyer_messages.reply_templates_for(
        detail.order, packages=detail.packages, refunds=detail.refunds
    )
    can_refund = user_has_shop_perm(request.user, detail.order.shop, Perm.INITIATE_REFUNDS)
    request_cards_with_platform(detail.order, detail.requests, can_answer=can_refund)
    refundable = refunds.refundable_amount(detail.order, detail.refunds)
    return render(
        request,
        "orders/order_detail.html",
        {
            "detail": detail,
            "order": detail.order,
            "can_add_notes": user_has_shop_perm(request.user, detail.order.shop, Perm.ADD_NOTES),
            "money_parts": order_page_parts(user=request.user, order=detail.order),
            **_fulfilment_choices(request, detail),
            "submission_id": uuid.uuid4().hex,
            "can_refund": user_has_shop_perm(
                request.user, detail.order.shop, Perm.INITIATE_REFUNDS
            ),
            "can_approve": user_has_shop_perm(
                request.user, detail.order.shop, Perm.APPROVE_REFUNDS
            ),
            "refundable": refundable,
            "refund_refusal": refunds.refund_refusal(detail.order, refundable),
            "refund_deciders": _who_may(Perm.APPROVE_REFUNDS),
            "can_message": user_has_shop_perm(request.user, detail.order.shop, Perm.MESSAGE_BUYERS),
            "reply_templates": templates,
            "message_initial": dict((code, text) for code, _, text in templates).get(
                request.GET.get("reply", ""), ""
            ),
        },
    )


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def order_note_add(request, order_id: str):
    """Add an internal note; 404 for another shop's order, 403 without the permission."""
    order = _order_for_action(request, order_id, Perm.ADD_NOTES)
    try:
        data = _valid(NoteForm(request.POST), notes.NoteRefused)
        notes.order_note_add(
            order=order,
            author=request.user,
            body=data["body"],
            submission_id=data["submission_id"],
        )
    except notes.NoteRefused as exc:
        messages.error(request, f"The note was not added: {exc}")
    else:
        messages.success(request, "Note added to the timeline.")
    return redirect(order_url("orders:detail", order))


def _sent_on(order, done: str, what: str = "it") -> str:
    """`done` here, and that the marketplace is being told of `what`, for a connected shop's
    order."""
    platform = platform_for(order)
    if platform is None:
        return done + "."
    return f"{done}; {what} is being sent to {platform.name}, whose answer appears on this page."


def _fulfilment_action(request, order_id: str, act) -> HttpResponse:
    order = _order_for_action(request, order_id, Perm.CHANGE_ORDER_STATUS)
    try:
        done = act(order)
    except (fulfilment.FulfilmentRefused, OrderError) as exc:
        messages.error(request, f"Nothing changed: {exc}")
    else:
        messages.success(request, done)
    return redirect(order_url("orders:detail", order))


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def order_status_update(request, order_id: str):
    """Move the order to the next status chosen on the page."""

    def act(order):
        data = _valid(StatusForm(request.POST), fulfilment.FulfilmentRefused)
        order_status_choose(
            order=order, actor=request.user, new_status=data["status"], reason=data["reason"]
        )
        order.refresh_from_db()
        return f"The order is now {order.get_status_display().lower()}."

    return _fulfilment_action(request, order_id, act)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def order_tracking_add(request, order_id: str):
    """Record a carrier and tracking number for the order's parcel."""

    def act(order):
        data = _valid(TrackingForm(request.POST), fulfilment.FulfilmentRefused)
        package = fulfilment.order_tracking_add(
            order=order,
            actor=request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            shipping_provider_id=data["shipping_provider_id"],
        )
        parcel = f"{package.tracking_number} ({package.shipping_provider_name})"
        return _sent_on(order, f"Tracking number {parcel} added")

    return _fulfilment_action(request, order_id, act)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def order_shipment_arrange(request, order_id: str):
    """Arrange the shipment of a marketplace-shipped order with the handover chosen."""

    def act(order):
        data = _valid(ArrangeForm(request.POST), fulfilment.FulfilmentRefused)
        arrange.order_shipment_arrange(
            order=order,
            actor=request.user,
            method=data["handover_method"],
            slot=data["pickup_slot"],
        )
        return _sent_on(order, "Shipment arranged")

    return _fulfilment_action(request, order_id, act)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def order_cancel(request, order_id: str):
    """Cancel the order: for a connected shop with one of the marketplace's reasons, sent to
    it; for another shop as "Move to → Cancelled" does."""

    def act(order):
        data = _valid(CancelForm(request.POST), fulfilment.FulfilmentRefused)
        seller_cancel.order_cancel(order=order, actor=request.user, reason=data["reason"])
        if platform_for(order) is None:
            return "The order is now cancelled."
        return _sent_on(order, "The order is cancelled here", "the cancellation")

    return _fulfilment_action(request, order_id, act)


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def refund_create(request, order_id: str):
    """Refund an amount or items; above the shop's limit it waits for an administrator."""
    order = _order_for_action(request, order_id, Perm.INITIATE_REFUNDS)
    try:
        data = _valid(RefundForm(request.POST, currency=order.currency), refunds.RefundRefused)
        refund = refunds.refund_request(
            order=order,
            actor=request.user,
            reason=data["reason"],
            amount=data["amount"],
            quantities=data["quantities"],
            include_shipping=data["include_shipping"],
            whole_order=data["whole_order"],
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
    return redirect(order_url("orders:detail", order))


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def refund_decide(request, order_id: str, refund_id: int):
    """An administrator approves or rejects a refund that waits."""
    order = _order_for_action(request, order_id, Perm.APPROVE_REFUNDS)
    refund = get_object_or_404(order.refunds, pk=refund_id)
    try:
        data = _valid(RefundDecisionForm(request.POST), refunds.RefundRefused)
        approve = data["decision"] == "approve"
        refunds.refund_decide(refund=refund, actor=request.user, approve=approve)
    except refunds.RefundRefused as exc:
        messages.error(request, f"Nothing changed: {exc}")
    else:
        messages.success(
            request, "Refund approved and completed." if approve else "Refund rejected."
        )
    return redirect(order_url("orders:detail", order))


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def message_send(request, order_id: str):
    """Email the buyer; the message and its delivery state go into the timeline."""
    order = _order_for_action(request, order_id, Perm.MESSAGE_BUYERS)
    try:
        data = _valid(MessageForm(request.POST), buyer_messages.MessageRefused)
        buyer_messages.order_message_send(order=order, sender=request.user, body=data["body"])
    except buyer_messages.MessageRefused as exc:
        messages.error(request, f"Not sent: {exc}")
    else:
        messages.success(request, "Message sent to the buyer.")
    return redirect(order_url("orders:detail", order))


@permission_required(Perm.CHANGE_ORDER_STATUS)
@one_order
def packing_slip(request, order_id: str):
    """A printable packing slip: items, variations, quantities, address, instructions. For
    those who fulfil the order; 404 for another shop's order."""
    detail = order_detail_for_user(user=request.user, order_id=order_id, shop=_shop(request))
    if not user_has_shop_perm(request.user, detail.order.shop, Perm.CHANGE_ORDER_STATUS):
        raise MissingShopPermission(Perm.CHANGE_ORDER_STATUS)
    if detail.unmasked:
        buyer_data_view_record(request=request, order=detail.order)
    platform = platform_for(detail.order)
    documents = platform.documents(detail.order) if platform is not None else []
    context = {"detail": detail, "order": detail.order, "documents": documents}
    return render(request, "orders/packing_slip.html", context)
