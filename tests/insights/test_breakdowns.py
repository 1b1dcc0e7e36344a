"""Top products and SKUs, sales by region and the status funnel on /insights/: hand-computed
values, ordering and the top-10 cut, links followed to the list, CSVs, empty periods."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from tests.accounts.factories import member
from tests.insights.helpers import order

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# The week of 2026-03-08, when Los Angeles springs forward: that Sunday has 23 hours. The
# previous period is March 1–7.
WEEK = {"date_from": "2026-03-08", "date_to": "2026-03-14", "compare": "previous"}
SKU_HEADER = ["sku_id", "sku", "seller_sku", "units", "refunded_units", "sales", "comparison_sales"]
BLUE, RED, TEE, CAP = "1729380000000001", "1729380000000002", "1729380000000003", "1729380000000004"


def mug(sku, variation, seller_sku, quantity, sales, returned=0):
    return {
        "sku_id": sku,
        "product_id": "9001",
        "product_name": "Enamel mug",
        "variation": variation,
        "seller_sku": seller_sku,
        "quantity": quantity,
        "sales": sales,
        "returned_quantity": returned,
    }


def tee(quantity, sales):
    return {
        "sku_id": TEE,
        "product_id": "9002",
        "product_name": "Linen tee",
        "seller_sku": "TEE",
        "quantity": quantity,
        "sales": sales,
    }


def local(*args):
    return datetime(*args, tzinfo=LA)


def us(state, original):
    return {"region_code": "US", "state": state, "original_total_product_price": Decimal(original)}


@pytest.fixture
def week(shop):
    """Los Angeles orders of the DST week and the week before, every row countable by hand."""
    orders = {
        # 00:30 on the 23-hour Sunday: inside.
        "a": order(
            shop,
            local(2026, 3, 8, 0, 30),
            lines=[mug(BLUE, "Blue", "MUG-B", 2, "30.00"), mug(RED, "Red", "MUG-R", 1, "15.00")],
            **us("CA", "45.00"),
        ),
        "b": order(
            shop,
            local(2026, 3, 10, 12),
            status="COMPLETED",
            lines=[mug(BLUE, "Blue", "MUG-B", 3, "45.00", returned=1), tee(1, "20.00")],
            refunded_amount=Decimal("15.00"),
            has_refund=True,
            **us("CA", "65.00"),
        ),
        # Cancelled: counted in its region's orders and the funnel, never in lines or sales.
        "c": order(
            shop,
            local(2026, 3, 12, 12),
            status="CANCELLED",
            lines=[tee(5, "100.00")],
            **us("TX", "100.00"),
        ),
        "d": order(
            shop,
            local(2026, 3, 14, 23, 59),
            status="IN_TRANSIT",
            lines=[mug(RED, "Red", "MUG-R", 2, "30.00")],
            **us("TX", "30.00"),
        ),
        "e": order(
            shop,
            local(2026, 3, 13, 12),
            status="AWAITING_SHIPMENT",
            lines=[
                {
                    "sku_id": CAP,
                    "product_id": "9003",
                    "product_name": "Cap",
                    "quantity": 1,
                    "sales": "10.00",
                }
            ],
            **us("New York", "10.00"),
        ),
    }
    # The week before: a minute before the Sunday. After the week: the next Sunday at 00:00.
    # Unpaid inside: never counted.
    orders["before"] = order(
        shop,
        local(2026, 3, 7, 23, 59),
        lines=[mug(BLUE, "Blue", "MUG-B", 1, "15.00")],
        **us("CA", "15.00"),
    )
    order(shop, local(2026, 3, 15, 0, 0), lines=[tee(9, "90.00")], **us("CA", "90.00"))
    order(
        shop,
        local(2026, 3, 9, 12),
        status="UNPAID",
        lines=[tee(9, "90.00")],
        **us("CA", "90.00"),
    )
    return orders


def _section(response, name: str) -> dict:
    return next(s for s in response.context["sections"] if s["section"].name == name)


def _csv(client, response, name: str) -> list[list[str]]:
    download = client.get(_section(response, name)["csv_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(download.content.decode())))


def _listed(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.order.pk for row in response.context["page"].rows}


def test_top_skus_and_products_match_the_hand_count(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    skus = [
        (r["line"].key, r["line"].name, r["line"].seller_sku, r["line"].units)
        + (r["line"].refunded_units, r["sales"], r["base"], r["change"])
        for r in _section(page, "skus")["rows"]
    ]
    assert skus == [
        # 2 + 3 units (one of them returned), 30 + 45; the week before: 1 unit for 15
        (BLUE, "Enamel mug — Blue", "MUG-B", 5, 1, "75.00 USD", "15.00 USD", "+400.0%"),
        (RED, "Enamel mug — Red", "MUG-R", 3, 0, "45.00 USD", "0.00 USD", "—"),
        # the cancelled order's 5 tees are not sales
        (TEE, "Linen tee", "TEE", 1, 0, "20.00 USD", "0.00 USD", "—"),
        (CAP, "Cap", "", 1, 0, "10.00 USD", "0.00 USD", "—"),
    ]
    products = [
        (r["line"].key, r["line"].name, r["line"].units, r["line"].refunded_units, r["sales"])
        for r in _section(page, "products")["rows"]
    ]
    assert products == [
        ("9001", "Enamel mug", 8, 1, "120.00 USD"),
        ("9002", "Linen tee", 1, 0, "20.00 USD"),
        ("9003", "Cap", 1, 0, "10.00 USD"),
    ]
    content = page.content.decode()
    assert "Enamel mug — Blue" in content and "<meter" in content and 'style="' not in content


def test_sales_by_region_match_the_hand_count(client, admin, week):
    client.force_login(admin)
    rows = _section(client.get("/insights/", WEEK), "regions")["rows"]
    shown = [
        (r["state"], r["country"], r["region"].orders, r["net_sales"], r["base"], r["change"])
        for r in rows
    ]
    assert shown == [
        # 45 + (65 − 15 refunded); the week before: 15
        ("CA", "United States", 2, "95.00 USD", "15.00 USD", "+533.3%"),
        # the cancelled order counts as an order, not in net sales
        ("TX", "United States", 2, "30.00 USD", "0.00 USD", "—"),
        ("New York", "United States", 1, "10.00 USD", "0.00 USD", "—"),
    ]
    assert [r["bar"] for r in rows] == ["1.0000", "0.3158", "0.1053"]


def test_the_funnel_counts_paid_orders_by_their_status_now(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    funnel = _section(page, "funnel")
    steps = [(r["step"].label, r["step"].orders, r["share"], r["base"]) for r in funnel["flow"]]
    assert steps == [
        ("Paid", 5, "100%", "1"),
        ("Shipped", 3, "60%", "1"),  # in transit, delivered, completed
        ("Delivered", 2, "40%", "1"),
        ("Completed", 1, "20%", "0"),
    ]
    cancelled = funnel["cancelled"]
    assert (cancelled["step"].orders, cancelled["share"], cancelled["base"]) == (1, "20%", "0")
    assert "60% of paid orders" in page.content.decode()


def test_each_row_links_to_exactly_the_orders_counted(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", {**WEEK, "shop": "north-shop"})
    skus = {r["line"].key: r for r in _section(page, "skus")["rows"]}
    link = urlsplit(skus[BLUE]["url"])
    params = parse_qs(link.query)
    assert link.path == "/orders/"
    assert params["sku"] == [BLUE] and params["shop"] == ["north-shop"]
    assert params["date_field"] == ["created"]
    assert params["date_from"] == ["2026-03-08"] and params["date_to"] == ["2026-03-14"]
    assert _listed(client, skus[BLUE]["url"]) == {week["a"].pk, week["b"].pk}
    assert _listed(client, skus[BLUE]["base_url"]) == {week["before"].pk}
    assert skus[RED]["base_url"] is None  # nothing to list the week before
    products = _section(page, "products")["rows"]
    assert parse_qs(urlsplit(products[0]["url"]).query)["product"] == ["Enamel mug"]
    assert _listed(client, products[0]["url"]) == {week[k].pk for k in "abd"}
    regions = {r["state"]: r for r in _section(page, "regions")["rows"]}
    texas = parse_qs(urlsplit(regions["TX"]["url"]).query)
    assert texas["state"] == ["TX"] and texas["country"] == ["US"]
    assert _listed(client, regions["TX"]["url"]) == {week["c"].pk, week["d"].pk}
    funnel = {r["step"].code: r for r in _section(page, "funnel")["flow"]}
    assert _listed(client, funnel["shipped"]["url"]) == {week[k].pk for k in "abd"}
    assert _listed(client, funnel["paid"]["url"]) == {week[k].pk for k in "abcde"}
    cancelled = _section(page, "funnel")["cancelled"]
    assert _listed(client, cancelled["url"]) == {week["c"].pk}
    assert funnel["completed"]["base_url"] is None


def test_the_pages_filters_narrow_every_section_and_stay_in_the_links(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", {**WEEK, "state": "tx"})
    regions = _section(page, "regions")["rows"]
    assert [(r["state"], r["region"].orders) for r in regions] == [("TX", 2)]
    assert parse_qs(urlsplit(regions[0]["url"]).query)["state"] == ["TX"]  # the row's, once
    skus = _section(page, "skus")["rows"]
    assert [(r["line"].key, r["line"].units) for r in skus] == [(RED, 2)]
    assert "state=tx" in skus[0]["url"]
    assert _section(page, "funnel")["flow"][0]["step"].orders == 2


def test_the_csvs_hold_the_tables_numbers(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    skus = _csv(client, page, "skus")
    assert skus[0] == SKU_HEADER
    assert skus[1] == [BLUE, "Enamel mug — Blue", "MUG-B", "5", "1", "75.00", "15.00"]
    assert len(skus) == 5
    products = _csv(client, page, "products")
    assert products[0] == ["product_id", "product", *SKU_HEADER[3:]]
    assert products[1] == ["9001", "Enamel mug", "8", "1", "120.00", "15.00"]
    regions = _csv(client, page, "regions")
    assert regions[0][:5] == ["region_code", "country", "state", "orders", "net_sales"]
    assert regions[1] == ["US", "United States", "CA", "2", "95.00", "1", "15.00"]
    assert regions[2] == ["US", "United States", "TX", "2", "30.00", "0", "0.00"]
    funnel = _csv(client, page, "funnel")
    assert funnel[0] == ["step", "orders", "share_of_paid", "comparison_orders"]
    assert funnel[1:] == [
        ["Paid", "5", "1.0", "1"],
        ["Shipped", "3", "0.6", "1"],
        ["Delivered", "2", "0.4", "1"],
        ["Completed", "1", "0.2", "0"],
        ["Cancelled", "1", "0.2", "0"],
    ]


def test_the_top_ten_by_sales_then_units_then_sku(client, admin, shop):
    lines = [
        {"sku_id": "k-a", "product_id": "p-a", "quantity": 1, "sales": "50.00"},
        {"sku_id": "k-c", "product_id": "p-c", "quantity": 2, "sales": "40.00"},
        {"sku_id": "k-b", "product_id": "p-b", "quantity": 3, "sales": "40.00"},  # more units
        {"sku_id": "k-e", "product_id": "p-e", "quantity": 1, "sales": "30.00"},
        {"sku_id": "k-d", "product_id": "p-d", "quantity": 1, "sales": "30.00"},  # by SKU ID
    ]
    lines += [
        {"sku_id": f"k-{c}", "product_id": f"p-{c}", "quantity": 1, "sales": f"{20 - n}.00"}
        for n, c in enumerate("fghijkl")
    ]
    order(shop, local(2026, 3, 10, 12), lines=lines)
    client.force_login(admin)
    page = client.get("/insights/", {**WEEK, "compare": "none"})
    expected = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]  # k (15.00), l (14.00) cut
    assert [r["line"].key for r in _section(page, "skus")["rows"]] == [f"k-{c}" for c in expected]
    assert [r["line"].key for r in _section(page, "products")["rows"]] == [
        f"p-{c}" for c in expected
    ]
    assert len(_csv(client, page, "skus")) == 11  # the header and the ten rows shown


def test_two_currencies_are_never_mixed(client, shop, other_shop):
    user = member(shop=shop, role=Role.ACCOUNTANT)
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    order(
        shop,
        local(2026, 3, 10, 12),
        lines=[mug(BLUE, "Blue", "MUG-B", 1, "15.00")],
        **us("CA", "15.00"),
    )
    order(
        other_shop,
        datetime(2026, 3, 10, 12, tzinfo=LONDON),
        lines=[mug(BLUE, "Blue", "MUG-B", 9, "99.00")],
        region_code="GB",
        state="Greater London",
        original_total_product_price=Decimal("99.00"),
    )
    client.force_login(user)
    usd = client.get("/insights/", WEEK)
    assert [(r["line"].units, r["sales"]) for r in _section(usd, "skus")["rows"]] == [
        (1, "15.00 USD")
    ]
    assert [r["state"] for r in _section(usd, "regions")["rows"]] == ["CA"]
    gbp = client.get("/insights/", {**WEEK, "currency": "GBP"})
    assert [(r["line"].units, r["sales"]) for r in _section(gbp, "skus")["rows"]] == [
        (9, "99.00 GBP")
    ]
    regions = _section(gbp, "regions")["rows"]
    assert [(r["state"], r["country"], r["net_sales"]) for r in regions] == [
        ("Greater London", "United Kingdom", "99.00 GBP")
    ]
    assert "shop=south-shop" in regions[0]["url"]
    assert _section(gbp, "funnel")["flow"][0]["step"].orders == 1


def test_two_shops_each_read_the_days_in_their_zone(client, two_shops):
    east, west = two_shops
    user = member(shop=east, role=Role.VIEWER)
    membership_grant(shop=west, user=user, role=Role.VIEWER, actor=None)
    sunday_in_new_york = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)  # Saturday in LA
    order(east, sunday_in_new_york, lines=[tee(1, "20.00")], **us("NY", "20.00"))
    order(west, sunday_in_new_york, lines=[tee(2, "40.00")], **us("CA", "40.00"))
    order(west, local(2026, 3, 14, 23, 30), lines=[tee(3, "60.00")], **us("CA", "60.00"))
    client.force_login(user)
    page = client.get("/insights/", WEEK)
    [row] = _section(page, "skus")["rows"]
    # East's Sunday order and West's last-evening one; West's Saturday one is the week before.
    assert (row["line"].units, row["sales"], row["base"]) == (4, "80.00 USD", "40.00 USD")
    regions = [
        (r["state"], r["region"].orders, r["base"]) for r in _section(page, "regions")["rows"]
    ]
    assert regions == [("CA", 1, "40.00 USD"), ("NY", 1, "0.00 USD")]


def test_a_region_gone_quiet_shows_with_no_orders(client, admin, shop, week):
    """A destination of the comparison without orders now is listed last, for the drop."""
    order(shop, local(2026, 3, 2, 12), **us("Oregon", "50.00"))
    client.force_login(admin)
    rows = _section(client.get("/insights/", WEEK), "regions")["rows"]
    assert (rows[-1]["state"], rows[-1]["region"].orders, rows[-1]["base"]) == (
        "Oregon",
        0,
        "50.00 USD",
    )
    assert rows[-1]["url"] is None and rows[-1]["base_url"]


def test_an_empty_period_says_so_in_a_sentence(client, admin, week):
    client.force_login(admin)
    page = client.get("/insights/", {"date_from": "2026-02-01", "date_to": "2026-02-07"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "No product was sold in this period" in content
    assert "No SKU was sold in this period" in content
    assert "so there is no region to show" in content
    assert "No paid order was created in this period." in content
    assert "bars-table" not in content
    assert _csv(client, page, "skus") == [SKU_HEADER]
    assert _csv(client, page, "funnel") == [
        ["step", "orders", "share_of_paid", "comparison_orders"]
    ]


def test_a_long_product_name_links_with_what_the_list_takes(client, admin, shop):
    name = "Mug " + "x" * 240
    made = order(shop, local(2026, 3, 10, 12), lines=[{"product_name": name, "sales": "9.00"}])
    client.force_login(admin)
    [row] = _section(client.get("/insights/", WEEK), "products")["rows"]
    assert parse_qs(urlsplit(row["url"]).query)["product"] == [name[:200]]
    assert _listed(client, row["url"]) == {made.pk}
