"""Starting, cancelling, retrying and downloading exports; every change audited.

A request only records the job and enqueues it after the transaction commits; the file is
produced in a worker (`exports/jobs.py`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from accounts.access import shops_for_user, shops_in_view, user_has_shop_perm
from accounts.models import AuditAction, Shop, User
from accounts.roles import Perm
from accounts.services import audit_record
from exports.columns import BadColumns, custom_template
from exports.jobs import export_enqueue
from exports.models import ExportFormat, ExportJob, ExportReport, ExportStatus, ExportTemplate
from exports.selectors import SelectionRefused, export_orders
from exports.settlement import SettlementScopeRefused, settlement_scope
from orders.exceptions import ForeignShop
from orders.form_fields import error_lines
from orders.selectors.order_filter import order_filterset
from orders.selectors.selection import MAX_TICKED

MAX_QUERY = 4000  # ExportJob.query_string


class ExportRefused(ValueError):
    """The export cannot be started as asked; the message says why."""


def export_shops(*, user: User, query: QueryDict, chosen: list[Shop] | None = None) -> list[Shop]:
    """The shops an export of `query` covers: those `chosen` (the API names them), else those
    the query names (or in view), each one where `user` exports."""
    exportable = shops_for_user(user, Perm.EXPORT_ORDERS)
    if chosen is not None:
        allowed = set(exportable.values_list("pk", flat=True))
        refused = [shop.name for shop in chosen if shop.pk not in allowed]
        if refused or not chosen:
            names = ", ".join(refused) or "these shops"
            raise ExportRefused(f"You do not have the export permission in: {names}.")
        return list(chosen)
    slugs = query.getlist("shop")
    if slugs:
        shops = list(exportable.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {shop.slug for shop in shops})
        if missing:
            names = ", ".join(s[:40] for s in missing)
            raise ExportRefused(f"You do not have the export permission in: {names}.")
        return shops
    in_view = shops_in_view(user, Perm.VIEW_ORDERS).values_list("pk", flat=True)
    shops = list(exportable.filter(pk__in=list(in_view)))
    if not shops:
        raise ExportRefused("You do not have the export permission in these shops.")
    return shops


def export_order_count(*, user: User, query: QueryDict, order_keys: list[int]) -> int | None:
    """How many orders an export of `query` (or of the ticked keys) would hold if it started
    now, counted as the worker selects them; None when the export would be refused."""
    try:
        export_filters_check(user=user, query=query)
        shops = export_shops(user=user, query=query)
        selected = export_orders(user=user, query=query, order_keys=order_keys, shops=shops)
    except (ExportRefused, SelectionRefused):
        return None
    return selected.order_by().count()


def export_filters_check(*, user: User, query: QueryDict) -> None:
    """ExportRefused with the reasons when the order list's FilterSet refuses `query`:
    the worker would otherwise fail on it later (a NUL byte, a date in year 9999)."""
    try:
        filterset, _ = order_filterset(user=user, query=query)
    except ForeignShop:
        raise ExportRefused("You do not have the export permission in the shop named.") from None
    if filterset.form.errors:
        reasons = " ".join(error_lines(filterset.form))
        raise ExportRefused(f"Correct these filters before exporting. {reasons}")


def _validated_columns(
    template: str, report: ExportReport | None, columns: list[dict] | None
) -> list[dict]:
    if template not in ExportTemplate.values:
        raise ExportRefused("Choose one of the export templates.")
    if template != ExportTemplate.CUSTOM:
        if columns:
            raise ExportRefused("Columns are chosen for a custom export only.")
        return []
    if report is not None and columns:
        raise ExportRefused("Choose a saved report or columns, not both.")
    chosen = report.columns if report is not None else columns
    if not chosen:
        raise ExportRefused("Choose a saved report for a custom export.")
    try:
        custom_template(chosen)
    except BadColumns as error:
        raise ExportRefused(str(error)) from None
    return chosen


def export_finance_check(
    *, user: User, template: str, columns: list[dict], query: QueryDict, shops: list[Shop]
) -> None:
    """ExportRefused when the export holds finance figures (the settlement report, a report
    with finance columns) in a shop where `user` may not view finance, or when a settlement
    report's query names no statements."""
    finance = template == ExportTemplate.SETTLEMENT or (
        columns and custom_template(columns).finance
    )
    if not finance:
        return
    refused = [s.name for s in shops if not user_has_shop_perm(user, s, Perm.VIEW_FINANCE)]
    if refused:
        raise ExportRefused(
            f"Finance figures need the “View finance” permission in: {', '.join(refused)}."
        )
    if template == ExportTemplate.SETTLEMENT:
        try:
            settlement_scope(query)
        except SettlementScopeRefused as error:
            raise ExportRefused(str(error)) from None


def export_options_check(
    *,
    user: User,
    format: str,
    template: str,
    report: ExportReport | None,
    columns: list[dict] | None = None,
) -> list[dict]:
    """The columns an export with these options holds (a custom report's, or the `columns`
    given as a report's [{"key", "label"}]; [] for the fixed templates); ExportRefused when
    `user` cannot export with them."""
    if format not in ExportFormat.values:
        raise ExportRefused("Choose CSV or Excel.")
    if report is not None and report.owner_id != user.pk:
        raise ExportRefused("That report is not yours.")
    return _validated_columns(template, report, columns)


def export_request(
    *,
    user: User,
    query: QueryDict,
    format: str,
    template: str,
    report: ExportReport | None = None,
    order_keys: list[int] | None = None,
    request: HttpRequest | None = None,
    schedule=None,
    shops: list[Shop] | None = None,
    columns: list[dict] | None = None,
    audit_extra: dict | None = None,
) -> ExportJob:
    """Record an export of the orders `query` selects (or the ticked `order_keys`), in the
    `shops` given or those of the query; `audit_extra` is added to each audit event."""
    columns = export_options_check(
        user=user, format=format, template=template, report=report, columns=columns
    )
    query_string = query.urlencode()
    if len(query_string) > MAX_QUERY:
        raise ExportRefused("These filters are too long to export; narrow them down.")
    export_filters_check(user=user, query=query)  # first: it refuses what the database cannot take
    shops = export_shops(user=user, query=query, chosen=shops)
    if query.get("buyer"):
        masked = [s.name for s in shops if not user_has_shop_perm(user, s, Perm.SEE_BUYER_CONTACT)]
        if masked:  # the list would quietly match nothing there; a file should not
            raise ExportRefused(
                "Filtering by buyer needs the permission to see buyer contact in: "
                f"{', '.join(masked)}."
            )
    export_finance_check(user=user, template=template, columns=columns, query=query, shops=shops)
    keys = sorted({int(k) for k in (order_keys or [])})
    if len(keys) > MAX_TICKED:
        raise ExportRefused(f"Tick at most {MAX_TICKED} orders, or export all matching.")
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            query_string=query_string,
            format=format,
            template=template,
            report=report,
            columns=columns,
            order_keys=keys,
            schedule=schedule,
            expires_at=timezone.now() + timedelta(days=settings.EXPORT_RETENTION_DAYS),
        )
        job.shops.set(shops)
        for shop in shops:
            audit_record(
                action=AuditAction.EXPORT_CREATED,
                actor=user,
                shop=shop,
                target=f"export {job.pk}",
                request=request,
                payload={
                    "template": template,
                    "format": format,
                    "filters": job.query_string,
                    "ticked": len(keys),
                    **(audit_extra or {}),
                },
            )
        export_enqueue(job.pk)
    return job


def export_cancel(*, job: ExportJob) -> bool:
    """Stop a queued or running job; the worker notices at its next batch."""
    return bool(
        ExportJob.objects.filter(
            pk=job.pk, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
        ).update(status=ExportStatus.CANCELLED, finished_at=timezone.now())
    )


def export_retry(*, job: ExportJob) -> bool:
    """Queue a failed or cancelled job again, from the start."""
    with transaction.atomic():
        again = ExportJob.objects.filter(
            pk=job.pk, status__in=[ExportStatus.FAILED, ExportStatus.CANCELLED]
        ).update(
            status=ExportStatus.QUEUED,
            error="",
            rows_done=0,
            rows_total=None,
            started_at=None,
            finished_at=None,
            attempts=0,
            expires_at=timezone.now() + timedelta(days=settings.EXPORT_RETENTION_DAYS),
        )
        if again:
            export_enqueue(job.pk)
    return bool(again)


def export_download_record(
    *, job: ExportJob, user: User, request: HttpRequest, audit_extra: dict | None = None
) -> None:
    """Audit the download of the job's file once per shop it holds (`audit_extra` added)."""
    payload = {"file": job.file_name, "sha256": job.sha256, "rows": job.rows_total}
    for shop in job.shops.all():
        audit_record(
            action=AuditAction.EXPORT_DOWNLOADED,
            actor=user,
            shop=shop,
            target=f"export {job.pk}",
            request=request,
            payload=payload | (audit_extra or {}),
        )
