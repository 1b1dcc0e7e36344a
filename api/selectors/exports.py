"""Export jobs as a token reads them: those its owner sees on the exports page
(exports.selectors.jobs_for_user: their own, and every job of the shops they administer),
and of those only the jobs whose every shop the token covers."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Shop, User
from exports.models import ExportJob, ExportReport
from exports.selectors import jobs_for_user, reports_for_user
from orders.form_fields import ROW_ID_MAX


def api_jobs(*, user: User, shops: list[Shop]) -> QuerySet[ExportJob]:
    """The jobs a token of `user` covering `shops` (where the owner exports) reads, newest
    first."""
    others = Shop.objects.exclude(pk__in=[shop.pk for shop in shops])
    return jobs_for_user(user).exclude(shops__in=others).order_by("-pk")


def api_job(*, user: User, shops: list[Shop], pk: int) -> ExportJob:
    """One of those jobs; Http404 for any other (another shop's job looks like none)."""
    job = api_jobs(user=user, shops=shops).filter(pk=pk).first() if pk <= ROW_ID_MAX else None
    if job is None:
        raise Http404("No such export among this token's.")
    return job


def api_report(*, user: User, pk: int) -> ExportReport | None:
    """The owner's saved report with this id, or None."""
    return reports_for_user(user).filter(pk=pk).first() if pk <= ROW_ID_MAX else None
