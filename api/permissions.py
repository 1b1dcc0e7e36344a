"""A view names the scope it needs; the token must carry it and its owner must still hold the
scope's permission in at least one shop the token covers (accounts.access, checked now)."""

from rest_framework import exceptions, permissions

from api.models import ApiToken
from api.scopes import Scope
from api.selectors.tokens import token_shops


class TokenScope(permissions.BasePermission):
    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated()
        scope = Scope(view.required_scope)
        if scope not in token.scopes:
            raise exceptions.PermissionDenied(f"This token lacks the “{scope}” scope.")
        shops = list(token_shops(token=token, scope=scope))
        if not shops:
            raise exceptions.PermissionDenied(
                f"The token's owner may not use “{scope}” ({scope.label.lower()}) in any shop "
                "the token covers: their role there does not allow it, or the shop asks for "
                "two-factor sign-in they have not set up."
            )
        request.token_shops = shops  # the views read and scope within these
        return True
