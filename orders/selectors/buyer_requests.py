"""An order's buyer requests as the order page's "Buyer requests" card shows them: what was
asked, which items and how much, where it stands, by when the seller must answer (in the
shop's zone, with the time left) and whether a person may answer it now."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import ngettext

from orders.models import BuyerRequest, Order
from orders.platform import PlatformUnavailable, platform_for
from orders.selectors.request_words import WHO, asked_words, when
from orders.statuses import words
from orders.tiktok_requests import ANSWERABLE


@dataclass
class RequestCard:
    request: BuyerRequest
    title: str  # "Buyer asked to cancel"
    status: str  # in words
    deadline: str  # "Dec 3, 14:00", in the shop's zone; "" when none
    time_left: str  # "1 day 3 hours left", "the deadline passed"; "" without a deadline
    answer: str  # the portal's answer on its way, in words; "" when none
    answerable: bool  # TikTok waits for the seller and nobody answered yet
    closed_reason: str  # why it cannot be answered while TikTok still lists it as open
    notice: object = None  # the platform's word on the last answer (orders.platform)
    reject_reasons: list = field(default_factory=list)  # (code, text) for the reject form
    reject_reasons_error: str = ""


def _left(deadline: datetime, now: datetime) -> str:
    if deadline <= now:
        return "the deadline passed"
    span = deadline - now
    days, hours = span.days, span.seconds // 3600
    minutes = (span.seconds % 3600) // 60
    if days:
        text = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
        return text + (ngettext(" %(n)s hour", " %(n)s hours", hours) % {"n": hours}) + " left"
    if hours:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours} + " left"
    minutes = max(minutes, 1)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes} + " left"


def request_open_refusal(request: BuyerRequest, now: datetime) -> str:
    """Why nobody may answer the request now, or "" when they may."""
    if request.answer:
        return f"{words('request_answer', request.answer)}: nothing more to do here."
    if request.status not in ANSWERABLE or not request.seller_action:
        status = words("request_status", request.status).lower()
        return f"TikTok no longer waits for an answer (the request is {status})."
    if request.deadline and request.deadline <= now:
        return (
            "The deadline to answer passed; TikTok decides this request itself now "
            "(the sync brings its decision)."
        )
    return ""


def request_cards(order: Order, zone, now: datetime | None = None) -> list[RequestCard]:
    """The order's requests, newest first, in words."""
    now = now or timezone.now()
    cards = []
    for request in order.buyer_requests.order_by("-tiktok_created_at", "-id"):
        who = WHO.get(request.role, "Someone")
        refusal = request_open_refusal(request, now)
        waiting = request.status in ANSWERABLE and bool(request.seller_action)
        cards.append(
            RequestCard(
                request=request,
                title=f"{who} {asked_words(request.kind, request.request_type)}",
                status=words("request_status", request.status),
                deadline=when(request.deadline, zone) if waiting else "",
                time_left=_left(request.deadline, now) if waiting and request.deadline else "",
                answer=words("request_answer", request.answer),
                answerable=not refusal,
                closed_reason=refusal if waiting and not request.answer else "",
            )
        )
    return cards


def request_cards_with_platform(order: Order, cards: list, *, can_answer: bool) -> list:
    """The card's requests with the platform's word on each answer and, for a person who may
    answer, the platform's reasons to reject each open one (or why they cannot be had)."""
    platform = platform_for(order)
    if not cards:
        return cards
    if platform is None:  # a shop disconnected since: its requests are answered on TikTok
        for card in cards:
            if card.answerable:
                card.answerable = False
                card.closed_reason = (
                    "This shop is not connected to TikTok now: answer the request in TikTok "
                    "Seller Center."
                )
        return cards
    notices = platform.request_notices(order)
    for card in cards:
        card.notice = notices.get(card.request.pk)
        if can_answer and card.answerable:
            try:
                card.reject_reasons = platform.reject_reasons(order, card.request)
            except PlatformUnavailable as error:
                card.reject_reasons_error = str(error)
    return cards
