"""An order's lines and packages follow its status (statuses.LINE_STATUS_FOR_ORDER).

Called by the one status service for every change it makes, and by imports, which write the
statuses TikTok's files carry in bulk; set-based, a query per vocabulary. Lines and packages
only move forward, in the order their vocabulary lists them; a cancelled one stays cancelled,
and cancelling the order cancels only those not delivered yet.
"""

from collections.abc import Iterable

from orders.models import OrderLine, Package
from orders.statuses import (
    LINE_STATUS_FOR_ORDER,
    PACKAGE_STATUS_FOR_ORDER,
    LineStatus,
    OrderStatus,
    PackageStatus,
    part_statuses_kept,
)


def order_parts_follow(*, status: str, order_ids: Iterable[int]) -> None:
    """The lines and packages of these orders, all now in `status`, say what it implies."""
    order_ids = list(order_ids)
    if not order_ids:
        return
    status = OrderStatus(status)
    if line_status := LINE_STATUS_FOR_ORDER[status]:
        kept = part_statuses_kept(LineStatus, line_status, LineStatus.DELIVERED)
        OrderLine.objects.filter(order_id__in=order_ids).exclude(display_status__in=kept).update(
            display_status=line_status
        )
    if package_status := PACKAGE_STATUS_FOR_ORDER[status]:
        kept = part_statuses_kept(PackageStatus, package_status, PackageStatus.COMPLETED)
        Package.objects.filter(order_id__in=order_ids).exclude(package_status__in=kept).update(
            package_status=package_status
        )
