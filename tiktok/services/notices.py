"""What the order page says about the latest action sent to TikTok (sending, retried,
accepted, refused and undone), in a seller's words, by kind of action."""

from django.utils import formats

from orders.platform import PlatformNotice
from tiktok.models import TikTokAction


def _retry_notice(action: TikTokAction, zone, subject: str) -> PlatformNotice:
    at = formats.time_format(action.next_attempt_at.astimezone(zone), "H:i")
    return PlatformNotice(
        f"TikTok did not answer yet about {subject} ({action.last_error or 'no answer'}); "
        f"the portal tries again by itself at {at}. Nothing to do meanwhile.",
        "warning",
    )


def _told(action: TikTokAction) -> str:
    reason = action.response_message
    return f" (TikTok's answer: “{reason}”, code {action.response_code})" if reason else ""


def cancel_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The order page's line about a cancellation sent to TikTok."""
    state, words = action.state, action.payload.get("words", "")
    if state == TikTokAction.State.DONE:
        return PlatformNotice(f"TikTok cancelled the order (“{words}”).", "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        return PlatformNotice(
            f"The cancellation was undone: TikTok did not take it{_told(action)}. "
            "The timeline says why.",
            "error",
        )
    if state == TikTokAction.State.PENDING and action.attempts:
        return _retry_notice(action, zone, "the cancellation")
    return PlatformNotice("Sending the cancellation to TikTok…", "info")


def ship_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The order page's line about a shipment sent to TikTok, in a seller's words."""
    number, carrier = action.payload.get("tracking_number", ""), action.payload.get("carrier", "")
    parcel = f"{carrier} {number}".strip()
    state = action.state
    if state == TikTokAction.State.DONE:
        return PlatformNotice(f"TikTok accepted the shipment of {parcel}.", "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        return PlatformNotice(
            f"{parcel} was taken off the order: TikTok did not take it{_told(action)}. "
            "The timeline says why; add the parcel again once that is fixed.",
            "error",
        )
    if state == TikTokAction.State.PENDING and action.attempts:
        return _retry_notice(action, zone, parcel)
    return PlatformNotice(f"Sending {parcel} to TikTok…", "info")


# A buyer's request answered: its card's line, by the latest answer to that request.
ANSWER_WORDS = {
    TikTokAction.Kind.APPROVE_CANCEL: "approval",
    TikTokAction.Kind.APPROVE_RETURN: "approval",
    TikTokAction.Kind.REJECT_CANCEL: "rejection",
    TikTokAction.Kind.REJECT_RETURN: "rejection",
}


def answer_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The "Buyer requests" card's line about an answer sent to TikTok."""
    answer, state = ANSWER_WORDS[action.kind], action.state
    if state == TikTokAction.State.DONE:
        return PlatformNotice(f"TikTok accepted the {answer}.", "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        return PlatformNotice(
            f"TikTok did not take the {answer}{_told(action)}. The request shows what TikTok "
            "says of it now, and the timeline records the answer.",
            "error",
        )
    if state == TikTokAction.State.PENDING and action.attempts:
        return _retry_notice(action, zone, f"the {answer}")
    return PlatformNotice(f"Sending the {answer} to TikTok…", "info")


def arrange_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The order page's line about a shipment arranged with TikTok's own carrier."""
    state, handover = action.state, action.payload.get("handover_words", "")
    if state == TikTokAction.State.DONE:
        return PlatformNotice(f"TikTok arranged the shipment ({handover}).", "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        return PlatformNotice(
            f"The shipment was not arranged: TikTok did not take it{_told(action)}. The "
            "timeline says why; arrange it again once that is fixed.",
            "error",
        )
    if state == TikTokAction.State.PENDING and action.attempts:
        return _retry_notice(action, zone, "the shipment")
    return PlatformNotice(f"Arranging the shipment with TikTok ({handover})…", "info")


# The order page's line for each kind of action, by the latest action of these kinds.
NOTICES = {
    TikTokAction.Kind.SHIP: ship_notice,
    TikTokAction.Kind.CANCEL: cancel_notice,
    TikTokAction.Kind.ARRANGE: arrange_notice,
}
