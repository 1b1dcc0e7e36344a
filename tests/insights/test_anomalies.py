"""Days and regions that stand out: a constructed spike, drop and region spike over eight
flat weeks are found, said in words and linked; the flat days never are."""

import csv
import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from insights.anomalies import Standout, beyond_threshold, sentence
from tests.insights.helpers import order

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
# The period: Mon Mar 9 – Sun Mar 15, 2026; its history the 8 weeks before (Jan 12 – Mar 8).
PERIOD = {"date_from": "2026-03-09", "date_to": "2026-03-15", "compare": "none"}
TEXAS = {"state": "Texas", "region_code": "US"}
SPIKE, DROP, REGION_SPIKE = date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 15)


def _orders_on(shop, day: date, n: int, **fields):
    for i in range(n):
        order(shop, datetime(day.year, day.month, day.day, 9 + i % 12, tzinfo=LA), **fields)


@pytest.fixture
def spike_weeks(shop):
    """Eight weeks of 5, 6 or 7 Texas orders a day (each weekday: median 6, MAD 1), then a
    week of 6 a day with a spike (Tue: 30), a drop (Thu: none) and 12 extra orders from
    California, which usually has none, on Sunday. Fridays and Saturdays have no history (fewer
    orders to make): their 6 orders are not judged."""
    for back in range(1, 9):
        for weekday in (0, 1, 2, 3, 6):
            day = date(2026, 3, 9) + timedelta(days=weekday) - timedelta(weeks=back)
            _orders_on(shop, day, 5 + back % 3, **TEXAS)
    for weekday in range(7):
        day = date(2026, 3, 9) + timedelta(days=weekday)
        _orders_on(shop, day, {SPIKE: 30, DROP: 0}.get(day, 6), **TEXAS)
    _orders_on(shop, REGION_SPIKE, 12, state="California", region_code="US")


def _section(response) -> dict:
    return next(s for s in response.context["sections"] if s["section"].name == "anomalies")


def test_the_spike_the_drop_and_the_region_stand_out_and_nothing_else(client, admin, spike_weeks):
    client.force_login(admin)
    response = client.get("/insights/", PERIOD)
    rows = _section(response)["rows"]
    found = [(r["standout"].day, r["standout"].state, r["standout"].measure) for r in rows]
    # Texas makes every usual day whole: its spike and drop are the days', not listed twice.
    assert found == [
        (SPIKE, "", "orders"),
        (REGION_SPIKE, "", "orders"),
        (REGION_SPIKE, "California", "orders"),
        (DROP, "", "orders"),
    ]
    spike = rows[0]["standout"]
    # 0.6745 × (30 − 6) / 1
    assert spike.usual == 6 and round(spike.score, 2) == 16.19
    texts = [r["text"] for r in rows]
    assert texts[0] == "Tue Mar 10: 30 orders, usually about 6 on Tuesdays (5× the usual)"
    assert texts[1] == "Sun Mar 15: 18 orders, usually about 6 on Sundays (3× the usual)"
    assert texts[2] == "California, Sun Mar 15: 12 orders, usually none on Sundays (a new high)"
    assert texts[3] == "Thu Mar 12: 0 orders, usually about 6 on Thursdays (100% below the usual)"
    page = response.content.decode()
    assert "Spike</span>" in page and "Drop</span>" in page
    assert "Tue Mar 10: 30 orders, usually about 6 on Tuesdays (5× the usual)" in page


def test_each_standout_links_to_its_orders_and_the_csv_holds_the_list(client, admin, spike_weeks):
    client.force_login(admin)
    rows = _section(client.get("/insights/", {**PERIOD, "shop": "north-shop"}))["rows"]
    day = parse_qs(urlsplit(rows[0]["url"]).query)
    assert day["date_from"] == ["2026-03-10"] and day["date_to"] == ["2026-03-10"]
    assert day["date_field"] == ["created"] and day["shop"] == ["north-shop"]
    assert "state" not in day
    region = parse_qs(urlsplit(rows[2]["url"]).query)
    assert region["state"] == ["California"] and region["country"] == ["US"]
    assert region["date_from"] == ["2026-03-15"]
    listed = client.get(rows[2]["url"])
    assert len(listed.context["page"].rows) == 12
    url = _section(client.get("/insights/", PERIOD))["csv_url"]
    table = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert table[0] == [
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
    assert table[1] == [
        "2026-03-10",
        "",
        "",
        "orders",
        "30",
        "6",
        "16.19",
        "spike",
        "30",
        "3000.00",
    ]
    assert table[3] == [
        "2026-03-15",
        "US",
        "California",
        "orders",
        "12",
        "0",
        "8.09",
        "spike",
        "12",
        "1200.00",
    ]
    assert table[4][7] == "drop" and len(table) == 5


def test_the_chart_marks_the_days_and_weeks_do_not_change_them(client, admin, spike_weeks):
    client.force_login(admin)
    by_day = client.get("/insights/", PERIOD)
    chart = next(s for s in by_day.context["sections"] if s["section"].name == "sales")
    marked = [r["bucket"].first for r in chart["rows"] if r["standouts"]]
    assert marked == [SPIKE, DROP, REGION_SPIKE]
    assert chart["rows"][1]["name"].endswith("; stands out")
    assert b'class="standout-mark"' in by_day.content
    by_week = client.get("/insights/", {**PERIOD, "bucket": "week"})
    week = next(s for s in by_week.context["sections"] if s["section"].name == "sales")
    assert [len(r["standouts"]) for r in week["rows"]] == [3]
    assert _section(by_week)["rows"] == _section(by_day)["rows"]


def test_net_sales_stand_out_when_the_orders_do_not(client, admin, shop):
    """Same orders every Wednesday, but this one's are refunded: a drop in net sales."""
    for back in range(1, 9):
        _orders_on(shop, date(2026, 3, 11) - timedelta(weeks=back), 6)
    _orders_on(shop, date(2026, 3, 11), 6, refunded_amount=Decimal("90.00"))
    client.force_login(admin)
    rows = _section(client.get("/insights/", PERIOD))["rows"]
    assert [r["text"] for r in rows] == [
        "Wed Mar 11: 60.00 USD net sales, usually about 600.00 USD on Wednesdays "
        "(90% below the usual)"
    ]


def test_small_days_and_a_new_shop_are_not_judged(client, admin, shop):
    # Usually 1 order on Tuesdays, then 4: too small to say anything.
    for back in range(1, 9):
        _orders_on(shop, SPIKE - timedelta(weeks=back), 1)
    _orders_on(shop, SPIKE, 4)
    # A first Friday of 20 orders with nothing before: a start, not a spike.
    _orders_on(shop, date(2026, 3, 13), 20)
    client.force_login(admin)
    response = client.get("/insights/", PERIOD)
    assert _section(response)["rows"] == []
    assert "Nothing stands out" in response.content.decode()


def test_sentences_say_drops_and_rises_in_words():
    base = dict(day=date(2026, 3, 8), region_code="", state="", orders=0, net_sales=0)
    rise = Standout(measure="orders", value=Decimal(15), usual=Decimal(10), score=4.0, **base)
    assert (
        sentence(rise, "USD")
        == "Sun Mar 8: 15 orders, usually about 10 on Sundays (50% above the usual)"
    )
    one = Standout(measure="orders", value=Decimal(1), usual=Decimal("12.5"), score=-4.0, **base)
    assert sentence(one, "USD", "Ohio") == (
        "Ohio, Sun Mar 8: 1 order, usually about 13 on Sundays (92% below the usual)"
    )


def _reference_score(value, history, unit) -> float:
    """The score as docs/insights.md defines it, in Decimals."""
    values = sorted(Decimal(v) for v in history)
    usual = (values[3] + values[4]) / 2
    spread = sorted(abs(v - usual) for v in values)
    floor = max((spread[3] + spread[4]) / 2, Decimal(unit), usual * Decimal("0.10"))
    return float(Decimal("0.6745") * (Decimal(value) - usual) / floor)


def test_the_quick_threshold_test_agrees_with_the_score_everywhere():
    """The whole-number test that spares the ordinary days their Decimal score says exactly
    what the score says, next to the threshold too, for orders and for cents."""
    rng = random.Random(35)
    checked = {True: 0, False: 0}
    for _ in range(20000):
        unit = rng.choice([1, 100])
        level = rng.choice([0, 1, 3, 10, 40, 500, 10**6]) * unit
        history = [max(0, level + rng.randint(-level // 3 - 2, level // 3 + 2)) for _ in range(8)]
        value = max(0, level + rng.randint(-level - 3, 3 * level + 10))
        if rng.random() < 0.3:  # next to the threshold: about 3.5 / 0.6745 floors away
            ordered = sorted(history)
            usual = (ordered[3] + ordered[4]) / 2
            spread = sorted(abs(v - usual) for v in ordered)
            floor = max((spread[3] + spread[4]) / 2, unit, usual / 10)
            value = max(0, round(usual + rng.choice([-1, 1]) * 3.5 * floor / 0.6745))
            value += rng.choice([-1, 0, 1])
        expected = abs(_reference_score(value, history, unit)) >= 3.5
        assert beyond_threshold(value, history, unit) == expected, (value, history, unit)
        checked[expected] += 1
    assert min(checked.values()) > 1000
    # right at it: a median of 1349 and a MAD of 1349 orders, 7000 more scores exactly 3.5
    history = [0] * 4 + [2698] * 4
    assert _reference_score(8349, history, 1) == 3.5
    assert beyond_threshold(8349, history, 1) and not beyond_threshold(8348, history, 1)
    # a flat history of none: the floor is one order, so 6 orders stand out and 5 do not
    assert beyond_threshold(6, [0] * 8, 1) and not beyond_threshold(5, [0] * 8, 1)
