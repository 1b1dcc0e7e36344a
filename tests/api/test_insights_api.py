"""GET /api/v1/insights/: the insights page's figures for a period and comparison, one
currency at a time, within the token's shops, refused with the page's sentences."""

from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from api.scopes import Scope
from tests.accounts.factories import member
from tests.api.helpers import api_get, token_for
from tests.insights.helpers import REFUSED_QUERIES, order

pytestmark = pytest.mark.django_db
INSIGHTS = "/api/v1/insights/"
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
WEEK = {"date_from": "2026-03-08", "date_to": "2026-03-14", "compare": "previous"}


@pytest.fixture
def week(shop):
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    order(shop, local(2026, 3, 9, 12), units=2, refunded_amount=Decimal("40.00"), has_refund=True)
    order(shop, local(2026, 3, 10, 12), units=1)
    order(shop, local(2026, 3, 12, 12), status="CANCELLED", units=4)
    order(shop, local(2026, 3, 5, 12), units=3)  # the week before


def _figures(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["key"]: row for row in response.json()["figures"]}


def test_the_figures_are_the_pages(client, admin, shop, week):
    secret = token_for(admin, [shop], [Scope.INSIGHTS_READ]).secret
    response = api_get(INSIGHTS, secret, **WEEK)
    api = _figures(response)
    body = response.json()
    assert body["currency"] == "USD" and body["shops"] == ["north-shop"]
    assert body["period"] == {"name": "Chosen dates", "first": "2026-03-08", "last": "2026-03-14"}
    assert body["comparison"] == {
        "name": "Previous period",
        "first": "2026-03-01",
        "last": "2026-03-07",
    }
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    section = next(s for s in page.context["sections"] if s["section"].name == "figures")
    for row in section["rows"]:
        mine = api[row["figure"].key]
        assert (mine["value_text"], mine["comparison_text"], mine["change"]) == (
            row["value"],
            row["base"],
            row["change"],
        )
        assert mine["orders_url"] == f"http://testserver{row['url']}"
    assert (api["orders"]["value"], api["orders"]["comparison"]) == ("3", "1")
    assert api["units"]["value"] == "3"  # the cancelled order's units are not sales
    assert api["refunds"]["value"] == "40.00" and api["refunds"]["kind"] == "money"
    assert api["cancellation_rate"]["value"] == "0.3333"


def test_each_figure_links_to_its_orders_in_the_api_too(admin, shop, week):
    secret = token_for(admin, [shop], [Scope.INSIGHTS_READ, Scope.ORDERS_READ]).secret
    refunds = _figures(api_get(INSIGHTS, secret, **WEEK))["refunds"]
    url = urlsplit(refunds["orders_api_url"])
    assert url.path == "/api/v1/orders/"
    assert parse_qs(url.query)["has_refund"] == ["1"]
    orders = api_get(refunds["orders_api_url"], secret)
    assert orders.status_code == 200 and len(orders.json()["results"]) == 1


def test_last_month_with_no_comparison(admin, shop):
    secret = token_for(admin, [shop], [Scope.INSIGHTS_READ]).secret
    body = api_get(INSIGHTS, secret, period="last_month", compare="none").json()
    assert body["period"]["name"] == "Last month" and body["comparison"] is None
    assert body["period"]["first"].endswith("-01")
    orders = next(row for row in body["figures"] if row["key"] == "orders")
    assert (orders["value"], orders["comparison"], orders["change"]) == ("0", None, None)


def test_one_currency_at_a_time(shop, other_shop):
    user = member(shop=shop, role=Role.ACCOUNTANT)
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    order(shop, datetime(2026, 3, 10, 12, tzinfo=LA))
    order(
        other_shop,
        datetime(2026, 3, 10, 12, tzinfo=LONDON),
        original_total_product_price=Decimal("50.00"),
    )
    secret = token_for(user, [shop, other_shop], [Scope.INSIGHTS_READ]).secret
    usd = api_get(INSIGHTS, secret, **WEEK)
    assert usd.json()["currencies"] == ["USD", "GBP"]
    assert _figures(usd)["gross_sales"]["value"] == "100.00"
    gbp = api_get(INSIGHTS, secret, currency="GBP", **WEEK)
    assert gbp.json()["shops"] == ["south-shop"]
    assert _figures(gbp)["gross_sales"]["value_text"] == "50.00 GBP"
    # A token covering only the first shop never counts the second.
    narrow = token_for(user, [shop], [Scope.INSIGHTS_READ]).secret
    refused = api_get(INSIGHTS, narrow, currency="GBP", **WEEK)
    assert refused.status_code == 400 and "choose USD" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    REFUSED_QUERIES,
)
def test_bad_period_comparison_or_currency_is_the_pages_sentence(
    client, admin, shop, query, message
):
    secret = token_for(admin, [shop], [Scope.INSIGHTS_READ]).secret
    response = api_get(INSIGHTS, secret, **query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    client.force_login(admin)
    assert response.json()["detail"] in client.get("/insights/", query).content.decode()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"colour": "red"}, "colour"),
        ({"bucket": "week"}, "bucket"),
        ({"per_page": "25"}, "per_page"),
        ({"status": "LOST"}, "status"),
    ],
)
def test_unknown_or_bad_parameters_are_named(admin, shop, query, name):
    secret = token_for(admin, [shop], [Scope.INSIGHTS_READ]).secret
    response = api_get(INSIGHTS, secret, **query)
    assert response.status_code == 400 and name in response.json()["errors"]


def test_who_reads_the_figures(role_users, shop, other_shop):
    for role, status in [
        (Role.ADMINISTRATOR, 200),
        (Role.ACCOUNTANT, 200),
        (Role.VIEWER, 200),
        (Role.FULFILMENT, 403),
        (Role.CUSTOMER_SERVICE, 403),
    ]:
        secret = token_for(role_users[role], [shop], [Scope.INSIGHTS_READ]).secret
        assert api_get(INSIGHTS, secret).status_code == status, role
    secret = token_for(role_users[Role.ADMINISTRATOR], [shop], [Scope.ORDERS_READ]).secret
    assert api_get(INSIGHTS, secret).status_code == 403  # lacks the scope
    secret = token_for(role_users[Role.ADMINISTRATOR], [shop], [Scope.INSIGHTS_READ]).secret
    assert api_get(INSIGHTS, secret, shop="south-shop").status_code == 404
