"""Date presets and typed dates → half-open, timezone-aware ranges in a shop's zone.

An order created at 23:30 local time on the last day of a month belongs to that month: days
start at local midnight, whatever the offset, including across daylight-saving changes.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PERIODS = {
    "today": "Today",
    "yesterday": "Yesterday",
    "last_24h": "Last 24 hours",
    "last_7d": "Last 7 days",
    "last_30d": "Last 30 days",
    "this_month": "This month",
    "last_month": "Last month",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    "this_year": "This year",
    "last_year": "Last year",
}


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_range(period: str, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of a preset, computed from `now` as read in `zone`."""
    if period == "last_24h":
        return now - timedelta(hours=24), now
    today = now.astimezone(zone).date()
    day = timedelta(days=1)
    starts_ends = {
        "today": (today, today + day),
        "yesterday": (today - day, today),
        "last_7d": (today - 6 * day, today + day),
        "last_30d": (today - 29 * day, today + day),
        "this_month": (today.replace(day=1), add_months(today, 1)),
        "last_month": (add_months(today, -1), today.replace(day=1)),
        "this_quarter": (quarter_start(today), add_months(quarter_start(today), 3)),
        "last_quarter": (add_months(quarter_start(today), -3), quarter_start(today)),
        "this_year": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "last_year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }
    start, end = starts_ends[period]
    return local_midnight(start, zone), local_midnight(end, zone)


def dates_range(
    date_from: date | None, date_to: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """Inclusive typed dates → [local midnight of date_from, local midnight after date_to)."""
    start = local_midnight(date_from, zone) if date_from else None
    end = local_midnight(date_to + timedelta(days=1), zone) if date_to else None
    return start, end


def other_reading(value: datetime, zone: ZoneInfo) -> datetime | None:
    """The other instant a file's local time names in the hour a DST fall-back repeats (TikTok's
    files carry no offset; the first one is read), or None when the time is not ambiguous."""
    wall = value.astimezone(zone).replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return None
    return second if value == first else first
