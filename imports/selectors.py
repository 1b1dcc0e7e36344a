"""Which import jobs a user may see, and what a job's page reads of its progress."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm
from imports.jobs import import_notice, import_progress, import_stalled
from imports.models import ImportJob


def import_job_list_for_user(*, user: User) -> QuerySet[ImportJob]:
    """Order-file import jobs in the shops where `user` may import, newest first; no other
    shop's job (finance files' jobs are finance.selectors.imports')."""
    return ImportJob.objects.filter(
        kind=ImportJob.Kind.ORDERS, shop__in=shops_for_user(user, Perm.IMPORT_ORDERS)
    ).select_related("shop", "requested_by")


def import_job_for_user(*, user: User, pk: int) -> ImportJob:
    """One job of `import_job_list_for_user`; Http404 for another shop's job or none."""
    try:
        return import_job_list_for_user(user=user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("No such import in your shops.") from None


def finance_import_shops(user: User):
    """Shops where `user` may import finance files: import files AND view finance there."""
    return shops_for_user(user, Perm.IMPORT_ORDERS).filter(
        pk__in=shops_for_user(user, Perm.VIEW_FINANCE).values("pk")
    )


def finance_import_job_list_for_user(*, user: User) -> QuerySet[ImportJob]:
    """Finance-file import jobs in the shops of `finance_import_shops`, newest first."""
    return ImportJob.objects.filter(
        kind=ImportJob.Kind.FINANCE, shop__in=finance_import_shops(user)
    ).select_related("shop", "requested_by")


def finance_import_job_for_user(*, user: User, pk: int) -> ImportJob:
    try:
        return finance_import_job_list_for_user(user=user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("No such finance import in your shops.") from None


@dataclass(frozen=True)
class ImportProgress:
    done: int  # rows read so far
    total: int  # rows in the file; 0 until the worker has counted them
    percent: int
    notice: str  # lost workers and restarts, in words; "" when there is nothing to say
    stalled: bool  # lost long ago and not restarted: the page stops waiting


def import_job_progress(*, job: ImportJob) -> ImportProgress:
    """How far the job's running stage has got, as its page shows it."""
    done, total = import_progress(job)
    return ImportProgress(
        done=done,
        total=total,
        percent=round(100 * done / total) if total else 0,
        notice=import_notice(job),
        stalled=import_stalled(job),
    )
