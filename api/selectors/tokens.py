"""Reads of API tokens: the one a request presents, mine, and those a shop's administrator
may see and revoke."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import shops_for_user
from accounts.models import Shop, User
from accounts.roles import Perm
from api.models import ApiToken
from api.scopes import SCOPE_PERMISSIONS, Scope
from api.token_secrets import lookup_of, secret_matches


def token_authenticate(*, presented: str) -> ApiToken | None:
    """The token with this secret, whatever its state (the caller says why it is refused);
    None when no token has it."""
    lookup = lookup_of(presented)
    if lookup is None:
        return None
    for token in ApiToken.objects.select_related("owner").filter(lookup=lookup):
        if secret_matches(presented, token.secret_hash):
            return token
    return None


def token_shops(*, token: ApiToken, scope: Scope) -> QuerySet[Shop]:
    """The shops a request with this token may read for `scope`: those the token covers where
    its owner holds the scope's permission now (a role removed counts at once)."""
    allowed = shops_for_user(token.owner, SCOPE_PERMISSIONS[scope])
    return allowed.filter(pk__in=token.shops.values("pk"))


def tokens_of_owner(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=user).prefetch_related("shops")


def tokens_of_managed_shops(*, user: User) -> QuerySet[ApiToken]:
    """Other people's tokens that cover a shop where `user` manages the staff."""
    managed = shops_for_user(user, Perm.MANAGE_STAFF)
    return (
        ApiToken.objects.filter(shops__in=managed)
        .exclude(owner=user)
        .select_related("owner")
        .prefetch_related("shops")
        .distinct()
    )


def token_for_manager(*, user: User, pk: int) -> ApiToken:
    """A token `user` may revoke: their own, or one covering a shop whose staff they manage;
    Http404 otherwise (another person's token is not revealed)."""
    token = (
        tokens_of_owner(user=user).filter(pk=pk).first()
        or tokens_of_managed_shops(user=user).filter(pk=pk).first()
    )
    if token is None:
        raise Http404("No such token.")
    return token
