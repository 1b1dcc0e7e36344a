"""Scheduled exports: the previous day, week, month or quarter in the shop's zone.

A schedule runs at 01:00 shop time on the first day of each new period, so the period it
exports is complete (an order at 23:59 on the last day is in it). Beat calls
`schedules_run_due` every few minutes; a schedule is taken with `SKIP LOCKED`, so two beats
(or a slow run) never export the same period twice.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from accounts.access import user_has_shop_perm
from accounts.models import AuditAction, Shop, User
from accounts.roles import Perm
from accounts.services import audit_record
from exports.models import ExportJob, ExportReport, ExportSchedule, ExportStatus, Frequency
from exports.notify import export_notify
from exports.services import (
    ExportRefused,
    export_filters_check,
    export_finance_check,
    export_options_check,
    export_request,
)
from orders.filters import DATE_FIELDS
from orders.periods import add_months, quarter_start

RUN_AT = time(1, 0)  # shop time, on the first day of the new period
# The period parameters a schedule replaces with its own (`month` and `statement` name the
# statements of a settlement report).
DATE_PARAMS = (
    "period",
    "date_from",
    "date_to",
    "date_field",
    "shop",
    "page",
    "cursor",
    "month",
    "statement",
)


def period_start(frequency: str, day: date) -> date:
    """The first day of the period (of `frequency`) that contains `day`."""
    if frequency == Frequency.DAILY:
        return day
    if frequency == Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    return quarter_start(day)


def _next_start(frequency: str, start: date) -> date:
    if frequency == Frequency.DAILY:
        return start + timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return start + timedelta(days=7)
    return add_months(start, 1 if frequency == Frequency.MONTHLY else 3)


def previous_period(frequency: str, zone: ZoneInfo, now: datetime) -> tuple[date, date]:
    """Inclusive first and last local day of the period before the one `now` is in."""
    current = period_start(frequency, now.astimezone(zone).date())
    previous = period_start(frequency, current - timedelta(days=1))
    return previous, current - timedelta(days=1)


def next_run_after(frequency: str, zone: ZoneInfo, now: datetime) -> datetime:
    """01:00 shop time on the first day of the next period not yet started at `now`."""
    start = period_start(frequency, now.astimezone(zone).date())
    run = datetime.combine(start, RUN_AT, tzinfo=zone)
    while run <= now:
        start = _next_start(frequency, start)
        run = datetime.combine(start, RUN_AT, tzinfo=zone)
    return run


def schedule_query(schedule: ExportSchedule, now: datetime) -> QueryDict:
    """The schedule's filters with the shop and the previous period's dates."""
    query = QueryDict(schedule.query_string, mutable=True)
    for name in DATE_PARAMS:
        query.pop(name, None)
    first, last = previous_period(schedule.frequency, schedule.shop.zone, now)
    query["shop"] = schedule.shop.slug
    query["date_field"] = schedule.date_field
    query["date_from"] = first.isoformat()
    query["date_to"] = last.isoformat()
    return query


def schedule_save(*, schedule: ExportSchedule, now: datetime | None = None) -> ExportSchedule:
    """Validate and store a schedule, its first run computed in the shop's zone."""
    if schedule.frequency not in Frequency.values:
        raise ExportRefused("Choose daily, weekly, monthly or quarterly.")
    if schedule.date_field not in DATE_FIELDS:
        raise ExportRefused("Choose which date the period applies to.")
    if not user_has_shop_perm(schedule.owner, schedule.shop, Perm.EXPORT_ORDERS):
        raise ExportRefused("You do not have the export permission in that shop.")
    columns = export_options_check(
        user=schedule.owner,
        format=schedule.format,
        template=schedule.template,
        report=schedule.report,
    )
    now = now or timezone.now()
    query = schedule_query(schedule, now)
    export_filters_check(user=schedule.owner, query=query)
    export_finance_check(
        user=schedule.owner,
        template=schedule.template,
        columns=columns,
        query=query,
        shops=[schedule.shop],
    )
    schedule.next_run_at = next_run_after(schedule.frequency, schedule.shop.zone, now)
    schedule.save()
    return schedule


def schedules_run_due(now: datetime | None = None) -> int:
    """Start one export per due schedule; returns how many were started."""
    now = now or timezone.now()
    started = 0
    while True:
        with transaction.atomic():
            schedule = (
                ExportSchedule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("owner", "shop", "report")
                .filter(active=True, next_run_at__lte=now)
                .order_by("next_run_at")
                .first()
            )
            if schedule is None:
                return started
            _run(schedule, now)
            schedule.last_run_at = now
            schedule.next_run_at = next_run_after(schedule.frequency, schedule.shop.zone, now)
            schedule.save(update_fields=["last_run_at", "next_run_at"])
            started += 1


def _run(schedule: ExportSchedule, now: datetime) -> None:
    query = schedule_query(schedule, now)
    try:
        export_request(
            user=schedule.owner,
            query=query,
            format=schedule.format,
            template=schedule.template,
            report=schedule.report,
            schedule=schedule,
        )
    except ExportRefused as refused:  # e.g. the owner lost the permission: say so, by email
        job = ExportJob.objects.create(
            requested_by=schedule.owner,
            query_string=query.urlencode(),
            format=schedule.format,
            template=schedule.template,
            report=schedule.report,
            schedule=schedule,
            status=ExportStatus.FAILED,
            error=str(refused),
            finished_at=now,
            expires_at=now + timedelta(days=30),
        )
        job.shops.set([schedule.shop])
        transaction.on_commit(lambda: export_notify(job))


# Schedules as their owner creates and deletes them, audited in the schedule's shop ---------


def schedule_create(
    *,
    owner: User,
    shop: Shop,
    name: str,
    frequency: str,
    date_field: str,
    format: str,
    template: str,
    report: ExportReport | None = None,
    query_string: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ExportSchedule:
    """Store a new schedule of `owner`'s in `shop`, its first run computed in the shop's zone;
    ExportRefused, and nothing stored, when it could not export (see `schedule_save`)."""
    schedule = ExportSchedule(
        owner=owner,
        shop=shop,
        name=name,
        query_string=query_string,
        date_field=date_field,
        format=format,
        template=template,
        report=report,
        frequency=frequency,
    )
    with transaction.atomic():
        schedule_save(schedule=schedule, now=now)
        audit_record(
            action=AuditAction.EXPORT_SCHEDULE_CREATED,
            actor=owner,
            shop=shop,
            target=f"schedule {schedule.pk}",
            request=request,
            payload=_audited(schedule),
        )
    return schedule


def schedule_delete(
    *, schedule: ExportSchedule, user: User, request: HttpRequest | None = None
) -> None:
    """Delete `user`'s schedule; the exports it already made stay."""
    if schedule.owner_id != user.pk:
        raise ExportRefused("That schedule is not yours.")
    pk = schedule.pk
    with transaction.atomic():
        schedule.delete()
        audit_record(
            action=AuditAction.EXPORT_SCHEDULE_DELETED,
            actor=user,
            shop=schedule.shop,
            target=f"schedule {pk}",
            request=request,
            payload=_audited(schedule),
        )


def _audited(schedule: ExportSchedule) -> dict:
    return {
        "name": schedule.name,
        "frequency": schedule.frequency,
        "date_field": schedule.date_field,
        "format": schedule.format,
        "template": schedule.template,
        "report": schedule.report_id,
        "filters": schedule.query_string,
    }
