"""A question put to TikTok for a form on the order page (its carriers for a shipment, its
reasons to reject a buyer's request), and what the page says when TikTok cannot answer it."""

from collections.abc import Callable

from orders.platform import PlatformUnavailable
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError, TikTokError, Unavailable
from tiktok.services.tokens import connection_call


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
