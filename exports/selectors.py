"""Which export jobs, reports and schedules a user may see."""

from django.db.models import Q, QuerySet

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm

from .models import ExportJob, ExportReport, ExportSchedule


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
