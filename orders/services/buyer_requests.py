"""Answering a buyer's cancellation or return request: approve, or reject with one of the
marketplace's reasons. The answer goes to the marketplace through `orders.platform` in the
transaction that records it here; what the marketplace then says settles it.

Customer service answers with the refund-initiating permission. Approving a request whose
refund is above the shop's refund limit, by someone who may not approve refunds, sends
nothing: it becomes the refund waiting for an administrator that the refund flow already has
(a REQUESTED Refund linked to the request), and the administrator's approval sends it.
The order row and the request are locked while checking, so a double click or two people at
once give one answer and a clear message to the other.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import user_has_shop_perm
from accounts.roles import Perm
from orders.exceptions import RequestAnswerRefused
from orders.models import BuyerRequest, Order, OrderEvent, Refund
from orders.platform import PlatformUnavailable, platform_for
from orders.selectors.buyer_requests import request_open_refusal
from orders.services.actions import person_event_record, require_shop_perm
from orders.services.sales_rollups import sales_days_touched
from orders.statuses import (
    ActorType,
    EventKind,
    RefundStatus,
    RequestAnswer,
    RequestType,
    words,
)

ALREADY = "Someone answered this request a moment ago: the page now shows that answer."
NOT_CONNECTED = (
    "This shop is not connected to TikTok any more: answer the request in TikTok Seller Center."
)


def _needs_approval(order: Order, request: BuyerRequest, actor, approve: bool) -> bool:
    return (
        approve
        and request.request_type != RequestType.REPLACEMENT
        and request.refund_total > order.shop.refund_limit
        and not user_has_shop_perm(actor, order.shop, Perm.APPROVE_REFUNDS)
    )


def _locked(buyer_request: BuyerRequest) -> tuple[Order, BuyerRequest]:
    order = Order.objects.select_for_update().select_related("shop").get(pk=buyer_request.order_id)
    return order, BuyerRequest.objects.select_for_update().get(pk=buyer_request.pk)


@transaction.atomic
def buyer_request_answer(
    *,
    buyer_request: BuyerRequest,
    actor,
    approve: bool,
    reject_reason: str = "",
    reject_reason_text: str = "",
    comment: str = "",
) -> str:
    """Approve or reject the request; the answer recorded ("approve", "reject", or "approval"
    when it waits for an administrator)."""
    order, request = _locked(buyer_request)
    require_shop_perm(
        order=order, actor=actor, perm=Perm.INITIATE_REFUNDS, refused=RequestAnswerRefused
    )
    if request.answer:
        raise RequestAnswerRefused(ALREADY)
    refusal = request_open_refusal(request, timezone.now())
    if refusal:
        raise RequestAnswerRefused(refusal)
    if not approve and not reject_reason:
        raise RequestAnswerRefused("Choose one of TikTok's reasons for rejecting the request.")
    if platform_for(order) is None:
        raise RequestAnswerRefused(NOT_CONNECTED)
    payload = {
        "request": request.kind,
        "request_id": request.request_id,
        "amount": str(request.refund_total),
    }
    if _needs_approval(order, request, actor, approve):
        return _approval_wait(order, request, actor, payload)
    answer = _send(order, request, actor, approve, reject_reason, comment)
    if not approve:
        payload |= {"reject_reason_text": reject_reason_text or reject_reason, "comment": comment}
    person_event_record(
        order=order, actor=actor, kind=EventKind.REQUEST, payload={"answer": answer, **payload}
    )
    return answer


def _send(order, request: BuyerRequest, actor, approve: bool, reason="", comment="") -> str:
    """The answer handed to the marketplace (its outbox row, in this transaction) and marked
    on the request; the answer."""
    platform = platform_for(order)
    if platform is None:
        raise RequestAnswerRefused(NOT_CONNECTED)
    try:
        with transaction.atomic():
            platform.request_answer_record(
                order=order,
                buyer_request=request,
                approve=approve,
                reject_reason=reason,
                comment=comment[:500],
                actor=actor,
            )
    except IntegrityError:  # the request itself was checked under its lock: another one's
        raise RequestAnswerRefused(
            "An answer to another of this order's requests is still on its way to TikTok: "
            "answer this one once the page shows TikTok's answer to that one."
        ) from None
    except PlatformUnavailable as error:
        raise RequestAnswerRefused(str(error)) from None
    answer = RequestAnswer.APPROVE if approve else RequestAnswer.REJECT
    _answered(request, answer)
    return answer


def _answered(request: BuyerRequest, answer: str) -> None:
    request.answer, request.awaits_seller = answer, False
    request.save(update_fields=["answer", "awaits_seller"])


def _approval_wait(order: Order, request: BuyerRequest, actor, payload: dict) -> str:
    now = timezone.now()
    refund = Refund.objects.create(
        order=order,
        buyer_request=request,
        amount=request.refund_total,
        reason=f"Approve the buyer's {words('request_kind', request.kind).lower()}"[:255],
        status=RefundStatus.REQUESTED,
        requested_by=actor,
        requested_at=now,
    )
    sales_days_touched([order])  # has_refund: the return rate
    _answered(request, RequestAnswer.APPROVAL)
    person_event_record(
        order=order,
        actor=actor,
        kind=EventKind.REQUEST,
        payload={"answer": RequestAnswer.APPROVAL, "refund": refund.pk, **payload},
    )
    return RequestAnswer.APPROVAL


def linked_refund_decide(*, order: Order, refund: Refund, actor, approve: bool) -> None:
    """Inside refund_decide's transaction (order and refund locked): an administrator's
    decision on a refund that waits to approve a buyer's request. Approving sends the approval
    to the marketplace (the refund completes when it has refunded); rejecting sends nothing
    and gives the request back to whoever answers it."""
    request = BuyerRequest.objects.select_for_update().get(pk=refund.buyer_request_id)
    if approve:
        request.answer = ""  # the approval it waited for is this one
        refusal = request_open_refusal(request, timezone.now())
        if refusal:
            raise RequestAnswerRefused(f"{refusal} Reject this refund instead.")
        _send(order, request, actor, True)
        return
    request.answer = ""
    request.awaits_seller = not request_open_refusal(request, timezone.now())
    request.save(update_fields=["answer", "awaits_seller"])


def buyer_request_answer_settled(*, request_pk: int) -> None:
    """The marketplace took the answer: what it says of the request is read back next."""
    BuyerRequest.objects.filter(pk=request_pk).update(answer="")


def buyer_request_answer_refused(*, request_pk: int, explanation: str, answer: dict) -> None:
    """The marketplace did not take the answer (already handled, deadline passed, not
    reachable): the local change is taken back, the timeline says what it answered, and a
    refund approved for it is rejected. The caller then stores the request as it says."""
    request = BuyerRequest.objects.select_for_update().filter(pk=request_pk).first()
    if request is None:
        return
    order = Order.objects.select_for_update().get(pk=request.order_id)
    request.answer = ""
    request.awaits_seller = not request_open_refusal(request, timezone.now())
    request.save(update_fields=["answer", "awaits_seller"])
    Refund.objects.filter(
        buyer_request=request, status__in=[RefundStatus.REQUESTED, RefundStatus.APPROVED]
    ).update(status=RefundStatus.REJECTED, decided_at=timezone.now())
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.REFUSED,
        actor_type=ActorType.TIKTOK,
        occurred_at=timezone.now(),
        payload={"message": explanation, "request_id": request.request_id, **answer},
    )
