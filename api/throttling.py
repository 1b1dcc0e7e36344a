"""How often the API may be asked, counted in the cache (Redis in production).

- Per token: API_RATE_LIMIT requests (TokenRateThrottle).
- Per client address, for requests without a valid token (none, malformed, unknown, expired,
  revoked): API_AUTH_FAILURE_LIMIT of them (AuthFailureLimit). Past it, the address is answered
  429 before any token it sends is looked up, until the oldest failure leaves the window.

Over either: 429 with Retry-After, as a problem document.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None:
            return None  # refused before it costs anything: 401
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AuthFailureLimit(SimpleRateThrottle):
    """Failed authentications of one client address: `wait()` while it is over the limit,
    `record()` after each failure. The address is the audit log's (trusted-proxy aware)."""

    scope = "auth_failure"

    def __init__(self, request):
        super().__init__()
        address = get_client_ip_address(getattr(request, "_request", request)) or "unknown"
        self.key = self.cache_format % {"scope": self.scope, "ident": address}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def get_rate(self):
        return settings.API_AUTH_FAILURE_LIMIT

    def blocked_for(self) -> float | None:
        """Seconds until the address may try again, or None when it may now."""
        if len(self.history) < self.num_requests:
            return None
        # Free again once the failure that filled the limit leaves the window.
        filling = self.history[self.num_requests - 1]
        return max(1.0, self.duration - (self.now - filling))

    def record(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
