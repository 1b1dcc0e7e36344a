"""Roles and what each may do in a shop: the one table of them.

Permissions are object permissions on `Shop` (django-guardian); a membership's role decides
which of them a user holds on that shop. Views name the permission they need; nothing else
decides access.
"""

from django.db import models


class Perm(models.TextChoices):
    """Shop-level permissions; the value is the codename on `accounts.Shop`."""

    VIEW_ORDERS = "view_orders", "View orders"
    SEE_BUYER_CONTACT = "see_buyer_contact", "See buyer contact and addresses unmasked"
    ADD_NOTES = "add_notes", "Add internal notes"
    MESSAGE_BUYERS = "message_buyers", "Message buyers"
    INITIATE_REFUNDS = "initiate_refunds", "Initiate refunds"
    APPROVE_REFUNDS = "approve_refunds", "Approve refunds"
    CHANGE_ORDER_STATUS = "change_order_status", "Change order status / add tracking"
    EXPORT_ORDERS = "export_orders", "Export orders and download exports"
    VIEW_INSIGHTS = "view_insights", "View sales insights"
    IMPORT_ORDERS = "import_orders", "Import order files"
    MANAGE_STAFF = "manage_staff", "Manage the shop's staff"
    MANAGE_CONNECTIONS = "manage_connections", "Connect and disconnect TikTok Shop"
    MANAGE_WEBHOOKS = "manage_webhooks", "Manage webhooks"
    VIEW_FINANCE = "view_finance", "View finance and reconciliation"
    EXPLAIN_DIFFERENCES = "explain_differences", "Explain reconciliation differences"


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    CUSTOMER_SERVICE = "customer_service", "Customer service"
    FULFILMENT = "fulfilment", "Fulfilment"
    ACCOUNTANT = "accountant", "Accountant"
    VIEWER = "viewer", "Viewer"


ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMINISTRATOR: frozenset(Perm),
    Role.CUSTOMER_SERVICE: frozenset(
        {
            Perm.VIEW_ORDERS,
            Perm.SEE_BUYER_CONTACT,
            Perm.ADD_NOTES,
            Perm.MESSAGE_BUYERS,
            Perm.INITIATE_REFUNDS,  # up to the shop's refund limit; above it, approval is needed
        }
    ),
    Role.FULFILMENT: frozenset(
        {
            Perm.VIEW_ORDERS,
            Perm.SEE_BUYER_CONTACT,
            Perm.ADD_NOTES,
            Perm.CHANGE_ORDER_STATUS,
        }
    ),
    Role.ACCOUNTANT: frozenset(
        {
            Perm.VIEW_ORDERS,
            Perm.EXPORT_ORDERS,
            Perm.VIEW_INSIGHTS,
            Perm.VIEW_FINANCE,
            Perm.EXPLAIN_DIFFERENCES,
        }
    ),
    Role.VIEWER: frozenset({Perm.VIEW_ORDERS, Perm.VIEW_INSIGHTS}),
}


def permissions_for_role(role: str) -> frozenset[Perm]:
    """The permissions a role grants; an unknown role code raises ValueError naming it."""
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        raise ValueError(
            f"Unknown role {role!r}; expected one of {', '.join(Role.values)}"
        ) from None


def roles_holding(perm: Perm) -> list[Role]:
    """The roles that grant `perm`, in Role order (to say who may do what)."""
    return [role for role in Role if perm in ROLE_PERMISSIONS[role]]


def role_table() -> list[tuple[str, list[bool]]]:
    """Rows of (permission label, [granted per role]) in Role order, for admin and docs."""
    return [(perm.label, [perm in ROLE_PERMISSIONS[role] for role in Role]) for perm in Perm]
