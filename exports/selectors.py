"""Which export jobs, reports and schedules a user may see."""

from django.db.models import Q, QuerySet
from django.http import QueryDict

from accounts.access import shops_for_user
from accounts.models import Shop, User
from accounts.roles import Perm
from exports.models import ExportJob, ExportReport, ExportSchedule
from orders.exceptions import ForeignShop
from orders.models import Order
from orders.selectors import order_list_for_user
from orders.selectors.order_filter import order_filterset


class SelectionRefused(ValueError):
    """The filters cannot select orders for this user any more; the message says why."""


def export_orders(
    *, user: User, query: QueryDict, order_keys: list[int], shops: list[Shop]
) -> QuerySet[Order]:
    """The orders an export of `query` (or of the ticked `order_keys`) holds for `user` today,
    in `shops`: scoped by the export permission, filtered by the order list's FilterSet."""
    allowed = order_list_for_user(user=user, perm=Perm.EXPORT_ORDERS).filter(shop__in=shops)
    if order_keys:
        return allowed.filter(pk__in=order_keys)
    try:
        filterset, _ = order_filterset(user=user, query=query, within=shops)
    except ForeignShop:
        raise SelectionRefused("A shop in these filters is no longer yours.") from None
    if filterset.form.errors:
        fields = ", ".join(sorted(filterset.form.errors))
        raise SelectionRefused(f"These filters are no longer valid: {fields}.")
    return filterset.qs & allowed


def administered_export_shop_ids(user: User) -> list[int]:
    """Shops where `user` both manages staff and exports: they see everyone's exports."""
    exporting = set(shops_for_user(user, Perm.EXPORT_ORDERS).values_list("pk", flat=True))
    managing = set(shops_for_user(user, Perm.MANAGE_STAFF).values_list("pk", flat=True))
    return sorted(exporting & managing)


def jobs_for_user(user: User) -> QuerySet[ExportJob]:
    """The user's own jobs and, for shop administrators, every job of their shops."""
    mine = Q(requested_by=user)
    administered = administered_export_shop_ids(user)
    if administered:
        mine |= Q(pk__in=ExportJob.objects.filter(shops__in=administered).values("pk"))
    return (
        ExportJob.objects.filter(mine)
        .select_related("requested_by", "report", "schedule")
        .prefetch_related("shops")
    )


def job_downloadable_by(job: ExportJob, user: User) -> bool:
    """The requester, or an administrator of every shop in the job, holding the permission."""
    shop_ids = {shop.pk for shop in job.shops.all()}
    if job.requested_by_id == user.pk:
        exporting = set(shops_for_user(user, Perm.EXPORT_ORDERS).values_list("pk", flat=True))
        return shop_ids <= exporting
    return shop_ids <= set(administered_export_shop_ids(user))


def reports_for_user(user: User) -> QuerySet[ExportReport]:
    return ExportReport.objects.filter(owner=user)


def schedules_for_user(user: User) -> QuerySet[ExportSchedule]:
    return ExportSchedule.objects.filter(owner=user).select_related("shop", "report")
