"""The insights page's `period`, `date_from`/`date_to` and `compare` → spans of whole days.

A span is [first, after) in days; each shop reads those days in its own zone
(orders.selectors.sales_types.SalesScope.in_period). Bad input raises PeriodRefused with a sentence
for the page.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from orders.periods import PERIODS as LIST_PERIODS
from orders.periods import add_months, period_range

PRESETS = {
    "last_7_days": "Last 7 days",
    "last_30_days": "Last 30 days",
    "this_month": "This month",
    "last_month": "Last month",
    "last_12_months": "Last 12 months",
}
COMPARISONS = {
    "previous": "Previous period",
    "last_year": "Same period last year",
    "none": "No comparison",
}
DEFAULT_PRESET = "last_30_days"
LONGEST_YEARS = 5
DAY = timedelta(days=1)


class PeriodRefused(ValueError):
    """A period or comparison the page cannot show; the message says why."""


@dataclass(frozen=True)
class Span:
    first: date
    after: date  # the day after the last one

    @property
    def last(self) -> date:
        return self.after - DAY

    @property
    def whole_months(self) -> bool:
        return self.first.day == 1 and self.after.day == 1

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{self.first:%b} {self.first.day}, {self.first.year}"
        return (
            f"{self.first:%b} {self.first.day}, {self.first.year} – "
            f"{self.last:%b} {self.last.day}, {self.last.year}"
        )


def preset_span(preset: str, today: date) -> Span:
    month = today.replace(day=1)
    spans = {
        "last_7_days": (today - 6 * DAY, today + DAY),
        "last_30_days": (today - 29 * DAY, today + DAY),
        "this_month": (month, add_months(month, 1)),
        "last_month": (add_months(month, -1), month),
        "last_12_months": (add_months(month, -12), month),
    }
    return Span(*spans[preset])


def _years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 → February 28
        return day.replace(year=day.year - years, day=28)


def _months_between(first: date, after: date) -> int:
    return (after.year - first.year) * 12 + after.month - first.month


def compare_span(span: Span, compare: str) -> Span | None:
    """The previous period (as many whole months, or as many days, just before) or the same
    days a year earlier; None for no comparison."""
    if compare == "none":
        return None
    if compare == "last_year":
        return Span(_years_back(span.first, 1), _years_back(span.after, 1))
    if span.whole_months:
        return Span(add_months(span.first, -_months_between(span.first, span.after)), span.first)
    return Span(span.first - (span.after - span.first), span.first)


def _typed_date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodRefused(f"{label} “{value}” is not a date: use YYYY-MM-DD.") from None


def chosen_span(query, zone: ZoneInfo, now: datetime) -> tuple[Span, str]:
    """The span the query asks for and its name; typed dates win over a preset. The order
    list's own presets (`last_7d`, `this_quarter`, …) work too, its links being ours."""
    today = now.astimezone(zone).date()
    typed_from, typed_to = query.get("date_from", ""), query.get("date_to", "")
    if typed_from.strip() or typed_to.strip():
        if not typed_from.strip():
            raise PeriodRefused("Give the first day of the period (Date from) too.")
        first = _typed_date(typed_from, "Date from")
        last = _typed_date(typed_to, "Date to") if typed_to.strip() else today
        if first > last:
            raise PeriodRefused("Date from is after Date to: swap them.")
        span = Span(first, last + DAY)
        if first < _years_back(span.after, LONGEST_YEARS):
            raise PeriodRefused(f"Choose a period of at most {LONGEST_YEARS} years.")
        return span, "Chosen dates"
    preset = query.get("period") or DEFAULT_PRESET
    if preset == "last_24h":
        raise PeriodRefused("Insights count whole days: choose “Today” or “Last 7 days”.")
    if preset in LIST_PERIODS:
        start, end = period_range(preset, zone, now)
        return Span(start.astimezone(zone).date(), end.astimezone(zone).date()), LIST_PERIODS[
            preset
        ]
    if preset not in PRESETS:
        raise PeriodRefused(f"“{preset}” is not a period: choose one of the list, or dates.")
    return preset_span(preset, today), PRESETS[preset]


def chosen_comparison(query) -> str:
    compare = query.get("compare") or "previous"
    if compare not in COMPARISONS:
        raise PeriodRefused(
            f"“{compare}” is not a comparison: choose the previous period, the same period "
            "last year, or none."
        )
    return compare
