"""The return rate and "Shipped late" link to exactly the orders of their numerators."""

from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from orders.models import BuyerRequest
from tests.insights.helpers import order
from tests.orders.helpers import listed

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
WEEK = {"date_from": "2026-03-08", "date_to": "2026-03-14", "shop": "north-shop"}


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LA)


def _return_request(made) -> None:
    BuyerRequest.objects.create(
        order=made,
        kind="return",
        request_id=f"40353192189557{made.pk:05d}",
        request_type="RETURN_AND_REFUND",
        status="RETURN_OR_REFUND_REQUEST_PENDING",
    )


@pytest.fixture
def week(shop):
    """The DST week's orders: which count in each numerator, and which look alike but not."""
    late = {"collection_time": _at(11, 9), "shipping_due_time": _at(10, 9)}
    later = {"collection_time": _at(17, 9), "shipping_due_time": _at(16, 9)}
    made = {
        "refunded": order(shop, _at(8, 0), refunded_amount=Decimal("10.00"), has_refund=True),
        "return_asked": order(shop, _at(9)),
        "late": order(shop, _at(9), **late),
        "late_and_refunded": order(shop, _at(14, 23), has_refund=True, **later),
        "on_time": order(shop, _at(10), collection_time=_at(10, 15), shipping_due_time=_at(11, 9)),
        "plain": order(shop, _at(12)),
        # Not counted: cancelled, unpaid, or created outside the week.
        "cancelled": order(shop, _at(10), status="CANCELLED", has_refund=True, **late),
        "unpaid": order(shop, _at(10), status="UNPAID"),
        "before": order(shop, _at(7, 23), has_refund=True, **late),
        "after": order(shop, _at(15, 0), has_refund=True, **later),
    }
    for name in ("return_asked", "unpaid", "cancelled"):
        _return_request(made[name])
    return {name: o.order_id for name, o in made.items()}


def _figures(response) -> tuple[dict, object]:
    section = next(s for s in response.context["sections"] if s["section"].name == "figures")
    return {row["figure"].key: row for row in section["rows"]}, section["now"]


def test_the_return_rate_links_to_the_returned_orders_it_counts(client, admin, week):
    client.force_login(admin)
    rows, now = _figures(client.get("/insights/", WEEK))
    url = rows["return_rate"]["url"]
    assert parse_qs(urlsplit(url).query)["refund_or_return"] == ["1"]
    expected = {week[n] for n in ("refunded", "return_asked", "late_and_refunded")}
    assert now.returned == len(expected) and rows["return_rate"]["value"] == "50.0%"
    assert listed(client, **parse_qs(urlsplit(url).query)) == expected


def test_shipped_late_links_to_the_late_orders_it_counts(client, admin, week):
    client.force_login(admin)
    rows, now = _figures(client.get("/insights/", WEEK))
    url = rows["late_rate"]["url"]
    assert parse_qs(urlsplit(url).query)["shipped_late"] == ["1"]
    expected = {week["late"], week["late_and_refunded"]}
    assert (now.shipped_late, now.shipped) == (2, 3)
    assert listed(client, **parse_qs(urlsplit(url).query)) == expected
    assert "no “shipped late” filter" not in rows["late_rate"]["figure"].how


def test_the_comparisons_links_carry_the_filters_too(client, admin, week):
    client.force_login(admin)
    rows, _ = _figures(client.get("/insights/", {**WEEK, "compare": "previous"}))
    base = parse_qs(urlsplit(rows["late_rate"]["base_url"]).query)
    assert base["shipped_late"] == ["1"] and base["date_to"] == ["2026-03-07"]
    assert listed(client, **base) == {week["before"]}
