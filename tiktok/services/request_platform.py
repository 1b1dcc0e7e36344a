"""TikTok's side of answering a buyer's request, for TikTokPlatform (orders.platform): the
reasons TikTok offers to reject it (Get Reject Reasons, fetched live and cached briefly), the
outbox row written with the answer (its decision picked by the request's stage), and what
the order page says of the last answer to each request."""

from django.conf import settings
from django.core.cache import cache

from orders.platform import PlatformUnavailable, RejectChoice
from orders.statuses import RequestKind
from tiktok.after_sales_rules import return_decisions
from tiktok.models import TikTokAction
from tiktok.services.notices import action_notice
from tiktok.services.order_connection import STALLED, STALLED_WORDS
from tiktok.services.outbox import action_create
from tiktok.services.platform_words import tiktok_ask
from tiktok.services.request_answers import KINDS


def _kind(buyer_request, approve: bool) -> str:
    if buyer_request.kind == RequestKind.CANCELLATION:
        return TikTokAction.Kind.APPROVE_CANCEL if approve else TikTokAction.Kind.REJECT_CANCEL
    return TikTokAction.Kind.APPROVE_RETURN if approve else TikTokAction.Kind.REJECT_RETURN


def _decision(buyer_request, approve: bool) -> str:
    """A return's `decision` at its stage; "" for a cancellation (it takes none)."""
    if buyer_request.kind == RequestKind.CANCELLATION:
        return ""
    decisions = return_decisions(buyer_request.status, buyer_request.request_type)
    if decisions is None:
        raise PlatformUnavailable(
            "TikTok does not take an answer to this request at its stage: reload the page."
        )
    return decisions.approve[0] if approve else decisions.reject


class RequestAnswers:
    """Mixed into TikTokPlatform, which gives `connection_of(order)`."""

    def _usable(self, order):
        connection = self.connection_of(order)
        if connection is None or connection.state in STALLED:
            raise PlatformUnavailable(STALLED_WORDS.format(what="requests cannot be answered"))
        return connection

    def reject_reasons(self, order, buyer_request) -> list[RejectChoice]:
        connection = self._usable(order)
        key = f"tiktok:reject-reasons:{connection.pk}:{buyer_request.request_id}"
        cached = cache.get(key)
        if cached is None:
            cached = [(r.name, r.text) for r in _reasons_fetch(connection, buyer_request)]
            cache.set(key, cached, settings.TIKTOK_REJECT_REASONS_CACHE_SECONDS)
        return [RejectChoice(code, text) for code, text in cached]

    def request_answer_record(
        self, *, order, buyer_request, approve: bool, reject_reason: str, comment: str, actor
    ) -> None:
        connection = self._usable(order)
        action_create(
            connection=connection,
            order=order,
            kind=_kind(buyer_request, approve),
            actor=actor,
            payload={
                "request_pk": buyer_request.pk,
                "kind": buyer_request.kind,
                "request_id": buyer_request.request_id,
                "status": buyer_request.status,
                "decision": _decision(buyer_request, approve),
                "reject_reason": reject_reason,
                "comment": comment,
            },
        )

    def request_notices(self, order) -> dict:
        actions = TikTokAction.objects.filter(order=order, kind__in=KINDS).order_by(
            "-created_at", "-id"
        )
        notices: dict = {}
        for action in actions:
            notices.setdefault(
                action.payload.get("request_pk"), action_notice(action, order.shop.zone)
            )
        return notices


def _reasons_fetch(connection, buyer_request):
    return tiktok_ask(
        connection,
        lambda client, access: client.get_reject_reasons(
            access_token=access,
            shop_cipher=connection.shop_cipher,
            return_or_cancel_id=buyer_request.request_id,
        ),
        what="its reasons to reject a request",
        listed="reasons to reject this request",
    )
