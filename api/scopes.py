"""What a token may be used for, and the shop permission each scope needs of its owner.

A scope only narrows: a request passes when the token has the scope *and* its owner holds the
permission in the shop today (accounts.access), so a token never does more than its person.
"""

from django.db import models

from accounts.roles import Perm


class Scope(models.TextChoices):
    ORDERS_READ = "orders:read", "Read orders"
    EXPORTS_READ = "exports:read", "Follow and download exports"
    EXPORTS_WRITE = "exports:write", "Start exports"
    INSIGHTS_READ = "insights:read", "Read sales figures"


SCOPE_PERMISSIONS: dict[Scope, Perm] = {
    Scope.ORDERS_READ: Perm.VIEW_ORDERS,
    Scope.EXPORTS_READ: Perm.EXPORT_ORDERS,
    Scope.EXPORTS_WRITE: Perm.EXPORT_ORDERS,
    Scope.INSIGHTS_READ: Perm.VIEW_INSIGHTS,
}


def scopes_parse(text: str) -> list[str]:
    """'orders:read, exports:read' → the scopes, in Scope order; ValueError naming the unknown."""
    given = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in given if part not in Scope.values]
    if unknown:
        raise ValueError(
            f"Unknown scope {', '.join(unknown)}; expected some of {', '.join(Scope.values)}."
        )
    if not given:
        raise ValueError(f"Name at least one scope: {', '.join(Scope.values)}.")
    return [scope for scope in Scope.values if scope in given]
