"""Writes for API tokens: made (the secret returned once), revoked, their last use noted.

Each creation and revocation is audited once per shop the token covers, so every shop's
audit log shows the tokens that could read it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.access import shops_for_user
from accounts.models import AuditAction, Shop, User
from accounts.roles import Perm
from accounts.services import audit_record, audit_record_each
from api.exceptions import TokenError
from api.models import ApiToken
from api.scopes import Scope
from api.token_secrets import secret_make

MAX_EXPIRY_DAYS = 366
# A token used continuously writes its last use at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never stored


def _audit(action, *, token: ApiToken, actor: User | None, request) -> None:
    payload = {"token": token.shown, "name": token.name, "owner": token.owner.email}
    for shop in token.shops.all():
        audit_record(
            action=action,
            actor=actor,
            shop=shop,
            target=token.shown,
            request=request,
            payload=payload | {"scopes": token.scopes},
        )


@transaction.atomic
def token_create(
    *,
    owner: User,
    name: str,
    shops: list[Shop],
    scopes: list[str],
    expires_days: int | None,
    actor: User | None = None,
    request=None,
) -> CreatedToken:
    """A new token of `owner` for shops they belong to; TokenError says what is wrong."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, such as the script that will use it.")
    if len(name) > 80:
        raise TokenError("A token's name has at most 80 characters.")
    if not shops:
        raise TokenError("Choose at least one shop.")
    viewable = set(shops_for_user(owner, Perm.VIEW_ORDERS).values_list("pk", flat=True))
    foreign = [shop.name for shop in shops if shop.pk not in viewable]
    if foreign:
        raise TokenError(f"{owner.email} may not view orders in {', '.join(foreign)}.")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        raise TokenError(f"Choose scopes among {', '.join(Scope.values)}.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenError(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days.")
    now = timezone.now()
    new = secret_make()
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        lookup=new.lookup,
        secret_hash=new.digest,
        scopes=[scope for scope in Scope.values if scope in scopes],
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    token.shops.set(shops)
    _audit(AuditAction.API_TOKEN_CREATED, token=token, actor=actor or owner, request=request)
    return CreatedToken(token=token, secret=new.token)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User, request=None) -> bool:
    """Revoke the token from now on; False when it already was."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    _audit(AuditAction.API_TOKEN_REVOKED, token=locked, actor=actor, request=request)
    return True


def token_used(*, token: ApiToken) -> None:
    """Note that the token was just used (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def buyer_data_served(*, request, token: ApiToken, orders: list[tuple[Shop, str]]) -> None:
    """Audit each order, (shop, order id), whose buyer contact data a response carries
    unmasked, as the order page audits a person's view of it (the same action, target and
    shop): one event per order, written in one statement."""
    if orders:
        audit_record_each(
            action=AuditAction.BUYER_DATA_VIEWED,
            actor=token.owner,
            targets=orders,
            request=request,
            payload={"via": "api", "token": token.shown},
        )
