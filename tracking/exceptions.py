"""Domain errors of the tracking app: what the carrier adapters raise, and what the webhook
service answers; tasks retry on the first kind, the webhook view turns the second into HTTP."""


class TrackingError(Exception):
    """Base of every tracking domain error."""


class NotConfigured(TrackingError, LookupError):
    """The provider is unknown, or its credentials are not in the environment."""


class ProviderError(TrackingError):
    """The provider failed or answered something we cannot use (retry later)."""


class RateLimited(ProviderError):
    """HTTP 429 or the provider's own "too many requests" code."""

    def __init__(self, message: str = "rate limited", retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BadWebhook(TrackingError, ValueError):
    """A pushed notification whose body an adapter cannot read (answered 400)."""


class BadSignature(BadWebhook):
    """A pushed notification whose signature is missing, wrong, or cannot be checked
    (answered 401)."""


class WebhookRefused(TrackingError):
    """A pushed notification not accepted; `status` is the HTTP answer, str() its reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
