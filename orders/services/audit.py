"""Audit entries that concern orders."""

from accounts.models import AuditAction
from accounts.services import audit_record
from orders.models import Order


def buyer_data_view_record(*, request, order: Order) -> None:
    """Someone saw this order's buyer contact data unmasked."""
    audit_record(
        action=AuditAction.BUYER_DATA_VIEWED,
        actor=request.user,
        shop=order.shop,
        target=order.order_id,
        request=request,
    )
