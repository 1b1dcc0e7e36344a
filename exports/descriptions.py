"""Export jobs as people read them: the filters in words, the times in the shops' zone."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import QueryDict
from django.utils.translation import ngettext

from exports.models import ExportJob
from exports.schedules import DATE_PARAMS
from exports.settlement import SETTLEMENT_TEMPLATE_CODE, SettlementScopeRefused, settlement_scope
from orders.filter_words import NOT_FILTERS, filters_text


@dataclass(frozen=True)
class JobRow:
    job: ExportJob
    zone: str
    requested: datetime
    filters: str

    @property
    def requested_text(self) -> str:
        return f"{self.requested:%b} {self.requested.day}, {self.requested:%H:%M}"  # "Mar 1, 23:30"


def job_zone(job: ExportJob) -> str:
    """The zone of the job's shops, or UTC when they are in several."""
    zones = {shop.timezone for shop in job.shops.all()}
    return zones.pop() if len(zones) == 1 else "UTC"


def job_filters_text(job: ExportJob) -> str:
    """'Status: In transit; Carrier: J&T', '3 ticked orders' or 'All orders'."""
    if job.order_keys:
        count = len(job.order_keys)
        return ngettext("%(count)s ticked order", "%(count)s ticked orders", count) % {
            "count": f"{count:,}"
        }
    if job.template == SETTLEMENT_TEMPLATE_CODE:
        try:
            return settlement_scope(QueryDict(job.query_string)).text
        except SettlementScopeRefused:
            return "Settlement report"
    return filters_text(job.query_string, job.shops.all())


def schedule_kept_filters(query_string: str, shops) -> str:
    """The filters a schedule keeps besides its shop and dates, in words ('' when none)."""
    query = QueryDict(query_string, mutable=True)
    for name in DATE_PARAMS + NOT_FILTERS:
        query.pop(name, None)
    return filters_text(query.urlencode(), shops) if query else ""


def job_rows(jobs: list[ExportJob]) -> list[JobRow]:
    rows = []
    for job in jobs:
        zone = job_zone(job)
        requested = job.created_at.astimezone(ZoneInfo(zone))
        rows.append(JobRow(job, zone, requested, job_filters_text(job)))
    return rows
