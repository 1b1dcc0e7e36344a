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


def _targets(status: str) -> tuple[tuple | None, tuple | None]:
    """(status, statuses kept) its lines and its packages move to, each None if none."""
    status = OrderStatus(status)
    lines = packages = None
    if line_status := LINE_STATUS_FOR_ORDER[status]:
        lines = line_status, part_statuses_kept(LineStatus, line_status, LineStatus.DELIVERED)
    if package_status := PACKAGE_STATUS_FOR_ORDER[status]:
        kept = part_statuses_kept(PackageStatus, package_status, PackageStatus.COMPLETED)
        packages = package_status, kept
    return lines, packages


def order_parts_follow(*, status: str, order_ids: Iterable[int]) -> None:
    """The lines and packages of these orders, all now in `status`, say what it implies."""
    order_ids = list(order_ids)
    if not order_ids:
        return
    lines, packages = _targets(status)
    if lines:
        OrderLine.objects.filter(order_id__in=order_ids).exclude(
            display_status__in=lines[1]
        ).update(display_status=lines[0])
    if packages:
        Package.objects.filter(order_id__in=order_ids).exclude(
            package_status__in=packages[1]
        ).update(package_status=packages[0])


def new_parts_follow(status: str, lines: Iterable[dict], packages: Iterable[dict]) -> None:
    """What order_parts_follow would make of new lines and packages (their field values) of an
    order in `status`, set before they are inserted (new orders need no UPDATE after)."""
    line_target, package_target = _targets(status)
    for line in lines if line_target else ():
        if line["display_status"] not in line_target[1]:
            line["display_status"] = line_target[0]
    for package in packages if package_target else ():
        if package["package_status"] not in package_target[1]:
            package["package_status"] = package_target[0]
