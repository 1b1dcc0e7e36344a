"""The chart's buckets: a period cut into days, Monday-start weeks or calendar months.

`bucket` is chosen by the period's length (≤ 45 days: days; ≤ 190 days: weeks; else months)
unless the request names one. A period over MOST_DAYS days is drawn by week even when days are
asked for: more points than that are no longer readable, and the page says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from insights.periods import PeriodRefused, Span
from orders.periods import add_months

BUCKETS = {"day": "Days", "week": "Weeks", "month": "Months"}
MOST_DAYS = 400
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Bucket:
    span: Span
    partial: bool = False  # a week or month cut by the period's edge

    @property
    def first(self) -> date:
        return self.span.first

    @property
    def after(self) -> date:
        return self.span.after


def chosen_bucket(query) -> str:
    """The `bucket` asked for ("" when none); an unknown one is refused with a sentence."""
    bucket = query.get("bucket", "")
    if bucket and bucket not in BUCKETS:
        raise PeriodRefused(
            f"“{bucket}” is not a way to group the chart: choose day, week or month."
        )
    return bucket


def bucket_for(span: Span, asked: str) -> tuple[str, str]:
    """The bucket the chart is drawn by, and a sentence when it is not the one asked for."""
    days = (span.after - span.first).days
    if asked == "day" and days > MOST_DAYS:
        return "week", f"Over {MOST_DAYS} days, one bar a day is too many to read: drawn by week."
    if asked:
        return asked, ""
    return ("day" if days <= 45 else "week" if days <= 190 else "month"), ""


def _starts(first: date, bucket: str) -> date:
    if bucket == "week":
        return first - first.weekday() * DAY
    if bucket == "month":
        return first.replace(day=1)
    return first


def _next(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + 7 * DAY
    if bucket == "month":
        return add_months(start, 1)
    return start + DAY


def buckets(span: Span, bucket: str) -> list[Bucket]:
    """The span cut into buckets, the first and last clipped to it (and then partial)."""
    cut, start = [], _starts(span.first, bucket)
    while start < span.after:
        end = _next(start, bucket)
        first, after = max(start, span.first), min(end, span.after)
        cut.append(Bucket(Span(first, after), partial=(first, after) != (start, end)))
        start = end
    return cut


def aligned(span: Span, cut: list[Bucket], base: Span, bucket: str) -> list[Span | None]:
    """For each bucket of `span`, the comparison's days it is drawn against: by month, the
    comparison's own months in order; by day or week, the days at the same distance from the
    period's first day. None where the comparison is shorter."""
    if bucket == "month":
        own = [b.span for b in buckets(base, "month")]
        return [own[i] if i < len(own) else None for i in range(len(cut))]
    spans = []
    for b in cut:
        first = base.first + (b.first - span.first)
        after = min(base.first + (b.after - span.first), base.after)
        spans.append(Span(first, after) if first < after else None)
    return spans
