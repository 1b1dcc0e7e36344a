"""A buyer's request answered from the order page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.roles import Perm
from orders.exceptions import RequestAnswerRefused
from orders.forms import RequestAnswerForm
from orders.links import order_url
from orders.platform import PlatformUnavailable, platform_for
from orders.services.buyer_requests import buyer_request_answer
from orders.statuses import RequestAnswer
from orders.views.order_detail import _order_for_action, _valid, one_order


def _reason_text(order, buyer_request, code: str) -> str:
    """The words of the rejection reason chosen; refused when the platform does not offer it."""
    try:
        offered = platform_for(order).reject_reasons(order, buyer_request)
    except PlatformUnavailable as error:
        raise RequestAnswerRefused(str(error)) from None
    for choice in offered:
        if choice.code == code:
            return choice.text
    raise RequestAnswerRefused("Choose one of TikTok's reasons for rejecting the request.")


DONE = {
    RequestAnswer.APPROVE: "Approval sent to TikTok; its answer appears on this page.",
    RequestAnswer.REJECT: "Rejection sent to TikTok; its answer appears on this page.",
    RequestAnswer.APPROVAL: (
        "The refund is above the shop's limit: it now waits for an administrator's approval, "
        "and TikTok is told once it is approved."
    ),
}


@permission_required(Perm.VIEW_ORDERS)
@require_POST
@one_order
def buyer_request_answer_view(request, order_id: str, request_pk: int):
    """Approve or reject a buyer's cancellation or return request."""
    order = _order_for_action(request, order_id, Perm.INITIATE_REFUNDS)
    buyer_request = get_object_or_404(order.buyer_requests, pk=request_pk)
    try:
        data = _valid(RequestAnswerForm(request.POST), RequestAnswerRefused)
        approve = data["decision"] == "approve"
        reason_text = ""
        if not approve and data["reason"] and platform_for(order) is not None:
            reason_text = _reason_text(order, buyer_request, data["reason"])
        answer = buyer_request_answer(
            buyer_request=buyer_request,
            actor=request.user,
            approve=approve,
            reject_reason=data["reason"] if not approve else "",
            reject_reason_text=reason_text,
            comment=data["comment"],
        )
    except RequestAnswerRefused as exc:
        messages.error(request, f"Nothing was sent: {exc}")
    else:
        messages.success(request, DONE[answer])
    return redirect(order_url("orders:detail", order))
