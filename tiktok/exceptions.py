"""What can go wrong talking to TikTok, one class per thing a caller does differently.

Every error carries TikTok's `code`, `message` and `request_id` when there was an answer, the
HTTP status, and the path called: never a token, a code, the app secret or a query string.
"""


class TikTokError(Exception):
    """TikTok refused the call, or its answer cannot be used."""

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        request_id: str = "",
        status: int | None = None,
        path: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.status = status
        self.path = path

    def __str__(self) -> str:
        parts = [self.message or type(self).__name__]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.path:
            parts.append(self.path)
        if self.request_id:
            parts.append(f"request {self.request_id}")
        return " · ".join(parts)


class NotConfigured(TikTokError):
    """The app key, secret or token keys are not set."""


class Unavailable(TikTokError):
    """No usable answer after the retries: network failure, timeout, 5xx or TikTok's internal
    error. Nothing is wrong with the request; try again later."""


class RateLimited(Unavailable):
    """Still throttled (HTTP 429 or TikTok's "too many requests") after the retries."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class BadResponse(TikTokError):
    """An answer that is not TikTok's JSON envelope: an HTML error page, a truncated body,
    a missing field or a value of the wrong kind. Never taken as data."""


class ApiError(TikTokError):
    """TikTok answered with a non-zero `code` that has no class of its own."""


class TokenExpired(ApiError):
    """The access token has expired: refresh it once and call again."""


class TokenInvalid(ApiError):
    """The access or refresh token is not (or no longer) accepted: the seller must authorize
    the app again."""


class InvalidAuthCode(ApiError):
    """The authorization code was used already, has expired (30 minutes) or is unknown."""


class ScopeMissing(ApiError):
    """The app or the token lacks the scope this call needs: enable it in Partner Center and
    have the seller authorize again."""


class BadSignature(ApiError):
    """TikTok rejected our `sign` (or found none): the app secret or the clock is wrong."""


class InvalidShop(ApiError):
    """The shop cipher is missing, wrong, or not covered by this token."""


class OAuthStateInvalid(Exception):
    """An authorization callback whose `state` is forged, expired, someone else's or reused:
    it connects nothing."""


class ConnectionUnusable(TikTokError):
    """The connection is not in state "connected" (revoked, disconnected, or waiting for the
    seller to authorize again): nothing is called."""
