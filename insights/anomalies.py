"""Days and regions that stand out from their usual level (docs/insights.md, "Anomalies").

A day's orders and net sales are scored against the same weekday of the 8 weeks before it
(D−7 … D−56): score = 0.6745 × (value − median) / MAD, flagged at |score| ≥ 3.5. The MAD is
floored at one unit (1 order, 1.00 of the currency) and at 10% of the median, so a flat history
does not flag a one-order change; days where the value and the median are both under 5 orders
are too small to judge; a day is judged only when the shops sold on at least 4 of its 8
weekdays before (not a shop that has just started); today and later days are not judged (not
over yet). Regions: the same per (country, state) over the period's last 45 days, for regions
with a state and at least 5 orders on some day; a region is left out when its day stands out
the same way and the region usually makes 90% of that day or more (it says nothing more).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from insights.figures import FIGURES, list_link
from insights.periods import Span
from insights.scope import InsightRequest
from orders.money import money_text, orders_text
from orders.selectors.sales_days import region_days, sales_per_day

WEEKS = 8
HISTORY = timedelta(days=7 * WEEKS)
THRESHOLD = 3.5
SCORE_FACTOR = Decimal("0.6745")  # the MAD of a normal distribution in standard deviations
SMALL = 5  # orders
MAD_SHARE = Decimal("0.10")
LEAST_HISTORY = 4  # weekdays with orders among the 8
REGION_DAYS = 45
WHOLE_DAY = Decimal("0.9")  # a region usually this share of its day is no news beside it
SHOWN = 10
ORDERS = next(f for f in FIGURES if f.key == "orders")
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Standout:
    day: date
    region_code: str  # "" for the whole day
    state: str
    measure: str  # "orders" or "net_sales"
    value: Decimal
    usual: Decimal  # the median of the 8 weekdays before
    score: float
    orders: int
    net_sales: Decimal

    @property
    def spike(self) -> bool:
        return self.score > 0


def _score(value, history: list, unit: Decimal) -> tuple[float, Decimal]:
    values = [Decimal(v) for v in history]
    usual = Decimal(median(values))
    mad = Decimal(median(abs(v - usual) for v in values))
    floor = max(mad, unit, usual * MAD_SHARE)
    return float(SCORE_FACTOR * (Decimal(value) - usual) / floor), usual


def beyond_threshold(value: int, history: list[int], unit: int) -> bool:
    """Whether |score| ≥ THRESHOLD as `_score` computes it, for whole numbers (orders; cents
    with `unit` 100), in exact arithmetic on whole numbers and no median of Decimals, so that
    the days that do not stand out (nearly all) cost little. With u the median, m the MAD and
    f the floor: 2u is the sum of the two middle values, 4m that of the two middle distances
    |2v − 2u|, and 20f = max(20m, 20·unit, 20u·MAD_SHARE)."""
    ordered = sorted(history)
    low, high = (len(ordered) - 1) // 2, len(ordered) // 2
    usual_2 = ordered[low] + ordered[high]
    spread = sorted(abs(2 * v - usual_2) for v in ordered)
    mad_4 = spread[low] + spread[high]
    floor_20 = max(5 * mad_4, 20 * unit, usual_2 * 10 * MAD_SHARE)
    return SCORE_FACTOR * 10 * abs(2 * value - usual_2) >= Decimal(THRESHOLD) * floor_20


@dataclass(frozen=True)
class Whole:
    """A series as whole numbers per day from `start`: orders, and net sales in cents."""

    start: date
    orders: list[int]
    cents: list[int]

    @classmethod
    def of(cls, series: dict, start: date, after: date) -> "Whole":
        orders, cents = [0] * (after - start).days, [0] * (after - start).days
        for day, (n, net) in series.items():
            if start <= day < after:
                orders[(day - start).days], cents[(day - start).days] = n, int(net * 100)
        return cls(start, orders, cents)

    def may_stand_out(self, day: date) -> bool:
        """Whether the day's orders or net sales stand out from its 8 weekdays before."""
        i = (day - self.start).days
        before = range(i - 7, i - 7 * WEEKS - 1, -7)
        return beyond_threshold(self.orders[i], [self.orders[j] for j in before], 1) or (
            beyond_threshold(self.cents[i], [self.cents[j] for j in before], 100)
        )


def _standout(day, series: dict, whole: Whole, region=("", "")) -> Standout | None:
    """The day's orders when they stand out, else its net sales when they do, else None: a
    seller reads a change in orders first. `whole` (the series in whole numbers, from 8
    weeks before the day at least) tells quickly the days where neither does."""
    if not whole.may_stand_out(day):
        return None  # (whether or not the day is too small to judge)
    orders, net = series.get(day, (0, Decimal(0)))
    before = [series.get(day - k * 7 * DAY, (0, Decimal(0))) for k in range(1, WEEKS + 1)]
    counts = [o for o, _ in before]
    score, usual = _score(orders, counts, Decimal(1))
    if orders < SMALL and usual < SMALL:
        return None
    measure, value = "orders", orders
    if abs(score) < THRESHOLD:
        score, usual = _score(net, [n for _, n in before], Decimal(1))
        measure, value = "net_sales", net
    if abs(score) < THRESHOLD:
        return None
    return Standout(day, *region, measure, Decimal(value), usual, score, orders, net)


def _established(day, totals: dict) -> bool:
    before = [totals.get(day - k * 7 * DAY, (0, 0))[0] for k in range(1, WEEKS + 1)]
    return sum(1 for n in before if n) >= LEAST_HISTORY


def _judged_days(span: Span, today: date, first: date | None = None):
    day = max(first or span.first, span.first)
    while day < min(span.after, today):
        yield day
        day += DAY


def _shared(parsed: InsightRequest) -> dict:
    """What the chart and the anomalies of one request compute once for both."""
    return vars(parsed).setdefault("_insights_shared", {})


def sales_days(parsed: InsightRequest) -> dict:
    """{day: (orders, net sales)} from 8 weeks before the period to its end, and the previous
    period when it is the comparison: one query per zone, shared by the chart and the
    anomalies."""
    shared = _shared(parsed)
    if "sales_days" not in shared:
        span, base = parsed.span, parsed.base_span
        first = span.first - HISTORY
        if base and base.after == span.first:
            first = min(first, base.first)
        rows = sales_per_day(parsed.sales, first, span.after)
        shared["sales_days"] = {r.day: (r.orders, r.net_sales) for r in rows}
    return shared["sales_days"]


def _today(parsed: InsightRequest) -> date:
    return timezone.now().astimezone(parsed.shops[0].zone).date()


def standout_days(parsed: InsightRequest) -> list[Standout]:
    """The period's days that stand out, in day order."""
    shared = _shared(parsed)
    if "standout_days" not in shared:
        totals, span = sales_days(parsed), parsed.span
        whole = Whole.of(totals, span.first - HISTORY, span.after)
        found = (
            _standout(day, totals, whole)
            for day in _judged_days(span, _today(parsed))
            if _established(day, totals)
        )
        shared["standout_days"] = [s for s in found if s]
    return shared["standout_days"]


def standout_regions(parsed: InsightRequest) -> list[Standout]:
    span, totals = parsed.span, sales_days(parsed)
    first = max(span.first, span.after - REGION_DAYS * DAY)
    series: dict = {}
    for row in region_days(parsed.sales, first - HISTORY, span.after):
        series.setdefault((row.region_code, row.state), {})[row.day] = (row.orders, row.net_sales)
    days = [d for d in _judged_days(span, _today(parsed), first) if _established(d, totals)]
    found = []
    for region, by_day in series.items():
        if not region[1] or max(n for n, _ in by_day.values()) < SMALL:
            continue
        whole = Whole.of(by_day, first - HISTORY, span.after)
        found += [s for s in (_standout(d, by_day, whole, region) for d in days) if s]
    return found


def _amount(measure: str, value, currency: str) -> str:
    if measure == "orders":
        n = int(value + Decimal("0.5"))
        return orders_text(n)
    return f"{money_text(value, currency)} net sales"


def _against(s: Standout) -> str:
    if not s.usual:
        return "a new high"
    ratio = s.value / s.usual
    if ratio >= 2:
        return f"{ratio:.1f}".removesuffix(".0") + "× the usual"
    if ratio > 1:
        return f"{round((ratio - 1) * 100)}% above the usual"
    return f"{round((1 - ratio) * 100)}% below the usual"


def region_name(region_code: str, state: str, several_countries: bool) -> str:
    return f"{state} ({region_code})" if several_countries and region_code else state


def sentence(s: Standout, currency: str, place: str = "") -> str:
    """E.g. "California, Tue Mar 10: 48 orders, usually about 12 on Tuesdays (4× the usual)"."""
    day = f"{s.day:%a %b} {s.day.day}"
    if not s.usual:
        usual = "usually none"
    elif s.measure == "orders":
        usual = f"usually about {intcomma(int(s.usual + Decimal('0.5')))}"
    else:
        usual = f"usually about {money_text(s.usual, currency)}"
    head = f"{place}, {day}" if place else day
    return (
        f"{head}: {_amount(s.measure, s.value, currency)}, {usual} on {s.day:%A}s ({_against(s)})"
    )


def _link(parsed: InsightRequest, s: Standout) -> str:
    filters = parsed.filters
    if s.state:
        filters = filters.copy()
        filters.setlist("country", [s.region_code] if s.region_code else [])
        filters.setlist("state", [s.state])
    return list_link(ORDERS, Span(s.day, s.day + DAY), filters, parsed.shop_slug)


def _news(region: Standout, days: dict) -> bool:
    """Whether a region says more than its day: not when the day stands out the same way and
    the region usually makes (nearly) all of that day, as in a shop selling to one state."""
    day = days.get(region.day)
    if not day or day.spike != region.spike or day.measure != region.measure:
        return True
    return not (day.usual and region.usual >= WHOLE_DAY * day.usual)


def anomalies_section(parsed: InsightRequest) -> dict:
    """At most 10 days or regions that stand out, the strongest first, each with its link."""
    days = {s.day: s for s in standout_days(parsed)}
    regions = [r for r in standout_regions(parsed) if _news(r, days)]
    several = len({s.region_code for s in regions}) > 1
    ranked = sorted([*days.values(), *regions], key=lambda s: (-abs(s.score), s.day, s.state))[
        :SHOWN
    ]
    rows = []
    for s in ranked:
        place = region_name(s.region_code, s.state, several) if s.state else ""
        rows.append(
            {
                "standout": s,
                "place": place,
                "text": sentence(s, parsed.currency, place),
                "url": _link(parsed, s),
            }
        )
    return {"rows": rows, "region_days": REGION_DAYS}


def _count(value: Decimal):
    """A median of orders: whole, or halfway between two."""
    return int(value) if value == int(value) else float(value)


def anomalies_table(context: dict) -> tuple[list[str], list[list]]:
    header = [
        "day",
        "country",
        "state",
        "measure",
        "value",
        "usual",
        "score",
        "spike or drop",
        "orders",
        "net sales",
    ]
    rows = []
    for row in context["rows"]:
        s = row["standout"]
        value = s.value if s.measure == "net_sales" else int(s.value)
        rows.append(
            [
                s.day.isoformat(),
                s.region_code,
                s.state,
                "net sales" if s.measure == "net_sales" else "orders",
                value,
                round(s.usual, 2) if s.measure == "net_sales" else _count(s.usual),
                round(s.score, 2),
                "spike" if s.spike else "drop",
                s.orders,
                s.net_sales,
            ]
        )
    return header, rows
