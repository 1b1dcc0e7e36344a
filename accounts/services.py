"""Writes for accounts: memberships (roles → guardian object permissions) and the audit log."""

from django.db import transaction
from django.http import HttpRequest
from guardian.shortcuts import assign_perm, remove_perm

from .models import AuditAction, AuditEvent, Membership, Shop, User
from .roles import Perm, permissions_for_role


def audit_record(
    *,
    action: AuditAction,
    actor: User | None = None,
    actor_email: str = "",
    shop: Shop | None = None,
    target: str = "",
    request: HttpRequest | None = None,
    payload: dict | None = None,
) -> AuditEvent:
    """Append one audit event; the request, when given, supplies address and user agent."""
    ip_address = user_agent = None
    if request is not None:
        ip_address = request.META.get("REMOTE_ADDR") or None
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=actor_email or (actor.email if actor is not None and actor.pk else ""),
        shop=shop,
        target=target[:200],
        ip_address=ip_address,
        user_agent=user_agent or "",
        payload=payload or {},
    )


def _sync_shop_permissions(*, user: User, shop: Shop, granted: frozenset[Perm]) -> None:
    for perm in Perm:
        if perm in granted:
            assign_perm(perm.value, user, shop)
        else:
            remove_perm(perm.value, user, shop)


@transaction.atomic
def membership_grant(*, shop: Shop, user: User, role: str, actor: User | None) -> Membership:
    """Give `user` the role in `shop` (replacing any other), with exactly its permissions."""
    granted = permissions_for_role(role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, shop=shop, defaults={"role": role}
    )
    previous = None if created else membership.role
    if previous not in (None, role):
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    _sync_shop_permissions(user=user, shop=shop, granted=granted)
    if previous != role:
        audit_record(
            action=AuditAction.ROLE_GRANTED,
            actor=actor,
            shop=shop,
            target=user.email,
            payload={"role": role, "previous_role": previous},
        )
    return membership


@transaction.atomic
def membership_revoke(*, shop: Shop, user: User, actor: User | None) -> bool:
    """Remove the user's role and every permission in `shop`; False when there was none."""
    membership = Membership.objects.select_for_update().filter(user=user, shop=shop).first()
    _sync_shop_permissions(user=user, shop=shop, granted=frozenset())
    if membership is None:
        return False
    membership.delete()
    audit_record(
        action=AuditAction.ROLE_REVOKED,
        actor=actor,
        shop=shop,
        target=user.email,
        payload={"role": membership.role},
    )
    return True
