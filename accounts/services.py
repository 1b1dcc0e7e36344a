"""Writes for accounts: shops, memberships (roles → guardian object permissions), audit log."""

import json
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm, remove_perm

from accounts.access import permission_cache_clear
from accounts.exceptions import InvalidShop, ShopExists, UnknownRole
from accounts.models import AuditAction, AuditEvent, Membership, Shop, User
from accounts.roles import Perm, Role, permissions_for_role
from accounts.selectors import email_validated

# Where Django's PasswordResetConfirmView listens (URL name accounts:password_reset_confirm).
# Spelled out rather than reversed so commands print the same link whatever URLconf is loaded.
RESET_CONFIRM_PATH = "/accounts/reset/{uidb64}/{token}/"


def audit_record(
    *,
    action: AuditAction,
    actor: User | None = None,
    actor_email: str = "",
    shop: Shop | None = None,
    target: str = "",
    request: HttpRequest | None = None,
    payload: dict | None = None,
    save: bool = True,
) -> AuditEvent:
    """Append one audit event; the request, when given, supplies address and user agent.
    With `save=False` the event is only built (audit_record_each writes many at once)."""
    ip_address = user_agent = None
    if request is not None:
        # The same client address django-axes locks out on (trusted proxy header aware).
        ip_address = get_client_ip_address(request) or None
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=actor_email or (actor.email if actor is not None and actor.pk else ""),
        shop=shop,
        target=target[:200],
        ip_address=ip_address,
        user_agent=user_agent or "",
        payload=payload or {},
    )
    if save:
        event.save(force_insert=True)
    return event


def audit_record_each(
    *,
    action: AuditAction,
    actor: User | None,
    targets: list[tuple[Shop, str]],
    request: HttpRequest | None = None,
    payload: dict | None = None,
) -> None:
    """One audit event per (shop, target), written in one statement (a page of API results);
    the request's address and user agent are read once, not once per event."""
    if not targets:
        return
    (shop, target), rest = targets[0], targets[1:]
    first = audit_record(
        action=action,
        actor=actor,
        shop=shop,
        target=target,
        request=request,
        payload=payload,
        save=False,
    )
    if connection.vendor == "postgresql":
        _insert_each(first, targets)
        return
    same = {
        name: getattr(first, name)
        for name in ("action", "actor", "actor_email", "ip_address", "user_agent", "payload")
    }
    others = (AuditEvent(shop=shop, target=target[:200], **same) for shop, target in rest)
    AuditEvent.objects.bulk_create([first, *others])


def _insert_each(first: AuditEvent, targets: list[tuple[Shop, str]]) -> None:
    """PostgreSQL: the events as one INSERT … SELECT over two arrays. For the 200 orders of
    an API page, building and quoting 200 model instances for bulk_create took longer than
    the page's own queries (docs/benchmarks.md, "Read API")."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (created_at, action, actor_id, actor_email, ip_address,"  # noqa: S608 - our table's name
            " user_agent, payload, shop_id, target)"
            " SELECT %s, %s, %s, %s, %s::inet, %s, %s::jsonb, t.shop_id, t.target"
            " FROM unnest(%s::bigint[], %s::text[]) AS t(shop_id, target)",
            [
                first.created_at,
                first.action,
                first.actor_id,
                first.actor_email,
                first.ip_address,
                first.user_agent,
                json.dumps(first.payload),
                [shop.pk if shop else None for shop, _ in targets],
                [target[:200] for _, target in targets],
            ],
        )


def _sync_shop_permissions(*, user: User, shop: Shop, granted: frozenset[Perm]) -> None:
    for perm in Perm:
        if perm in granted:
            assign_perm(perm.value, user, shop)
        else:
            remove_perm(perm.value, user, shop)


def _sync_staff_access(user: User) -> None:
    """Shop administrators may use Django admin (scoped to their shops); nobody else but
    superusers may. The staff flag follows the administrator role."""
    is_admin = Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
    should_be_staff = user.is_superuser or is_admin
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_grant(
    *, shop: Shop, user: User, role: str, actor: User | None, request: HttpRequest | None = None
) -> Membership:
    """Give `user` the role in `shop` (replacing any other), with exactly its permissions;
    `request`, when the change is made on a page, puts its address in the audit event."""
    granted = permissions_for_role(role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, shop=shop, defaults={"role": role}
    )
    previous = None if created else membership.role
    if previous not in (None, role):
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    _sync_shop_permissions(user=user, shop=shop, granted=granted)
    _sync_staff_access(user)
    permission_cache_clear()
    if previous != role:
        audit_record(
            action=AuditAction.ROLE_GRANTED if previous is None else AuditAction.ROLE_CHANGED,
            actor=actor,
            shop=shop,
            target=user.email,
            request=request,
            payload={"role": role, "previous_role": previous},
        )
    return membership


@transaction.atomic
def membership_revoke(
    *, shop: Shop, user: User, actor: User | None, request: HttpRequest | None = None
) -> bool:
    """Remove the user's role and every permission in `shop`; False when there was none."""
    membership = Membership.objects.select_for_update().filter(user=user, shop=shop).first()
    _sync_shop_permissions(user=user, shop=shop, granted=frozenset())
    if membership is None:
        return False
    membership.delete()
    _sync_staff_access(user)
    permission_cache_clear()
    audit_record(
        action=AuditAction.ROLE_REVOKED,
        actor=actor,
        shop=shop,
        target=user.email,
        request=request,
        payload={"role": membership.role},
    )
    return True


def user_shop_prefer(*, user: User, shop: Shop | None) -> None:
    """Remember the shop the user picked in the switcher (None: all of their shops)."""
    user.preferred_shop = shop
    user.save(update_fields=["preferred_shop"])


@transaction.atomic
def shop_create(*, slug: str, name: str, timezone: str, currency: str, market: str) -> Shop:
    """Create a shop after validating every field; it has no members yet."""
    if Shop.objects.filter(slug=slug).exists():
        raise ShopExists(slug)
    shop = Shop(slug=slug, name=name, timezone=timezone, currency=currency, market=market)
    try:
        shop.full_clean()
    except ValidationError as exc:
        raise InvalidShop(exc) from None
    shop.save()
    return shop


@dataclass(frozen=True)
class MembershipAdded:
    membership: Membership
    user_created: bool
    previous_role: str | None  # None: the person was not a member of the shop before


@transaction.atomic
def membership_add(
    *, shop: Shop, email: str, role: str, actor: User | None, request: HttpRequest | None = None
) -> MembershipAdded:
    """Give `email` the role in `shop`; a new person gets an account without a password."""
    if role not in Role.values:
        raise UnknownRole(role, Role.values)
    email = email_validated(email)
    user = User.objects.filter(email=email).first()  # stored normalised too
    user_created = user is None
    if user_created:
        user = User.objects.create_user(email=email)  # unusable password until they set one
    previous_role = (
        Membership.objects.filter(user=user, shop=shop).values_list("role", flat=True).first()
    )
    membership = membership_grant(shop=shop, user=user, role=role, actor=actor, request=request)
    return MembershipAdded(
        membership=membership, user_created=user_created, previous_role=previous_role
    )


def password_set_link(*, user: User, base_url: str) -> str:
    """A link where `user` chooses a password (Django's reset token, PASSWORD_RESET_TIMEOUT)."""
    path = RESET_CONFIRM_PATH.format(
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    return base_url.rstrip("/") + path
