"""What the order page says about the latest action sent to TikTok (sending, retried,
accepted, refused and undone), in a seller's words, by kind of action: one table of words,
filled from the action's payload."""

from dataclasses import dataclass

from django.utils import formats

from orders.platform import PlatformNotice
from tiktok.models import TikTokAction

K = TikTokAction.Kind


@dataclass(frozen=True)
class Words:
    """One kind's sentences. `{subject}` is what was sent ("USPS 9400…", "the cancellation"),
    `{told}` TikTok's answer in brackets, and the payload's own fields fill the rest."""

    subject: str
    done: str
    undone: str
    sending: str = "Sending {subject} to TikTok…"


WORDS = {
    K.SHIP: Words(
        subject="{carrier} {tracking_number}",
        done="TikTok accepted the shipment of {subject}.",
        undone="{subject} was taken off the order: TikTok did not take it{told}. The timeline "
        "says why; add the parcel again once that is fixed.",
    ),
    K.CANCEL: Words(
        subject="the cancellation",
        done="TikTok cancelled the order (“{words}”).",
        undone="The cancellation was undone: TikTok did not take it{told}. The timeline says why.",
    ),
    K.ARRANGE: Words(
        subject="the shipment",
        done="TikTok arranged the shipment ({handover_words}).",
        undone="The shipment was not arranged: TikTok did not take it{told}. The timeline says "
        "why; arrange it again once that is fixed.",
        sending="Arranging the shipment with TikTok ({handover_words})…",
    ),
}
# A buyer's request answered: its card's line, by the latest answer to that request.
_ANSWERED = {
    "done": "TikTok accepted {subject}.",
    "undone": "TikTok did not take {subject}{told}. The request shows what TikTok says of it "
    "now, and the timeline records the answer.",
}
ANSWER_WORDS = {
    kind: Words(subject=subject, **_ANSWERED)
    for kind, subject in (
        (K.APPROVE_CANCEL, "the approval"),
        (K.APPROVE_RETURN, "the approval"),
        (K.REJECT_CANCEL, "the rejection"),
        (K.REJECT_RETURN, "the rejection"),
    )
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _told(action: TikTokAction) -> str:
    reason = action.response_message
    return f" (TikTok's answer: “{reason}”, code {action.response_code})" if reason else ""


def action_notice(action: TikTokAction, zone) -> PlatformNotice:
    """The line for `action` in the state it is in now."""
    words = WORDS.get(action.kind) or ANSWER_WORDS[action.kind]
    fields = _Blank({k: v for k, v in action.payload.items() if isinstance(v, str)})
    fields["subject"] = words.subject.format_map(fields).strip()
    fields["told"] = _told(action)
    state = action.state
    if state == TikTokAction.State.DONE:
        return PlatformNotice(words.done.format_map(fields), "success")
    if state in (TikTokAction.State.REFUSED, TikTokAction.State.FAILED):
        return PlatformNotice(words.undone.format_map(fields), "error")
    if state == TikTokAction.State.PENDING and action.attempts:
        at = formats.time_format(action.next_attempt_at.astimezone(zone), "H:i")
        return PlatformNotice(
            f"TikTok did not answer yet about {fields['subject']} "
            f"({action.last_error or 'no answer'}); the portal tries again by itself at {at}. "
            "Nothing to do meanwhile.",
            "warning",
        )
    return PlatformNotice(words.sending.format_map(fields), "info")


# The order page's fulfilment line is the latest action of these kinds.
NOTICES = tuple(WORDS)
