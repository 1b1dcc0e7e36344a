"""`Authorization: Bearer <token>`: the API's only way in. Sessions are not accepted, so a
browser's cookies can never be used against the API from another site (and CSRF, which only
protects cookie-authenticated requests, does not apply)."""

import math

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.two_factor import user_has_two_factor
from api.selectors.tokens import token_authenticate
from api.services import token_used
from api.throttling import AuthFailureLimit


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """The token's owner as `request.user`, the token as `request.auth`."""

    def authenticate(self, request):
        failures = AuthFailureLimit(request)
        if (wait := failures.blocked_for()) is not None:
            raise exceptions.Throttled(
                wait,
                detail="Too many requests without a valid token from your address; "
                f"try again in {math.ceil(wait)} seconds.",
            )
        try:
            return self._authenticate(request)
        except (exceptions.AuthenticationFailed, exceptions.NotAuthenticated):
            failures.record()
            raise

    def _authenticate(self, request):
        # The header as the server decoded it (DRF's helper re-encodes it and fails on
        # characters outside Latin-1, which a client may still send).
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            # No token at all is a failed attempt too.
            raise exceptions.NotAuthenticated()
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise exceptions.AuthenticationFailed(
                "Send the token as “Authorization: Bearer sc_pat_…”."
            )
        token = token_authenticate(presented=presented.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("That token is not valid.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("That token has been revoked.")
        if token.expires_at is not None and token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("That token has expired.")
        if not token.owner.is_active:
            raise exceptions.AuthenticationFailed("The token's owner can no longer sign in.")
        token_used(token=token)
        owner = token.owner
        # A token stands in for a signed-in session of its owner: verified when the owner has
        # two-factor set up, so shops that require it are read only then (accounts.access).
        has_two_factor = user_has_two_factor(owner)
        owner.is_verified = lambda: has_two_factor
        return owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
