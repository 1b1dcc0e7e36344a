"""What the order page says of TikTok's side, shared by the shipment and the answers to
buyers' requests: an outbox row still waiting for TikTok, TikTok's answer to a refused one,
and a question put to TikTok for a form (its carriers, its reasons to reject) that it could
not answer."""

from collections.abc import Callable

from django.utils import formats

from orders.platform import PlatformNotice, PlatformUnavailable
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError, TikTokError, Unavailable
from tiktok.models import TikTokAction
from tiktok.services.tokens import connection_call


def tiktok_told(action: TikTokAction) -> str:
    """(TikTok's answer: “…”, code N)", or "" when TikTok said nothing."""
    reason = action.response_message
    return f" (TikTok's answer: “{reason}”, code {action.response_code})" if reason else ""


def waiting_notice(action: TikTokAction, zone, what: str) -> PlatformNotice:
    """TikTok did not answer yet about `what`; when the portal asks again, in `zone`."""
    at = formats.time_format(action.next_attempt_at.astimezone(zone), "H:i")
    return PlatformNotice(
        f"TikTok did not answer yet about {what} ({action.last_error or 'no answer'}); "
        f"the portal tries again by itself at {at}. Nothing to do meanwhile.",
        "warning",
    )


def tiktok_ask(connection, call: Callable, *, what: str, listed: str, refusals: dict | None = None):
    """`call(client, access_token)` for a form; PlatformUnavailable in a seller's words when
    TikTok does not answer (`what`: "its carriers") or refuses (`listed`: "carriers for this
    order"; `refusals`: TikTok's codes in words)."""
    client = TikTokClient.from_settings()
    try:
        return connection_call(
            connection=connection, client=client, call=lambda access: call(client, access)
        )
    except Unavailable:
        raise PlatformUnavailable(
            f"TikTok did not answer when asked for {what}: reload the page in a minute."
        ) from None
    except ApiError as error:
        words = (refusals or {}).get(error.code or 0)
        raise PlatformUnavailable(
            words or f"TikTok would not list {listed}: “{error.message}”."
        ) from None
    except TikTokError as error:
        raise PlatformUnavailable(f"TikTok could not be asked for {what} ({error}).") from None
