"""Requests per token, counted in the cache (Redis in production); the rate is the
API_RATE_LIMIT setting. Over it: 429 with Retry-After."""

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
