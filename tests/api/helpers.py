"""Tokens made as the page makes them, and requests that present them."""

from django.test import Client

from api.scopes import Scope
from api.services import token_create


def token_for(user, shops, scopes=(Scope.ORDERS_READ,), *, expires_days=None, name="Script"):
    """The secret of a new token of `user` (the created row is `.token` of the result)."""
    return token_create(
        owner=user, name=name, shops=list(shops), scopes=list(scopes), expires_days=expires_days
    )


def api_get(path: str, secret: str | None, client: Client | None = None, **params):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return (client or Client()).get(path, params, headers=headers)
