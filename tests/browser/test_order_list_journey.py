"""The order list in a real browser.

The journey: filter by status and last month, search two order ids at once, save the view as
the default, open Orders again and get it back. Beside it: on a phone the table collapses into
cards, a filter change replaces the results region (no nested copy), and dates read in the
shop's time zone.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order, SavedView
from orders.periods import period_range
from orders.statuses import OrderStatus
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_TRANSIT = OrderStatus.IN_TRANSIT
VIEW_NAME = "In transit last month"


def _sign_in(page, email):
    sign_in(page, email)
    page.wait_for_url(HOME)


def _wait_for_query(page, **expected) -> None:
    """Wait until the address bar carries every `expected` parameter (htmx pushes it)."""

    def carries(url: str) -> bool:
        query = parse_qs(urlsplit(url).query)
        return all(query.get(key) == [value] for key, value in expected.items())

    page.wait_for_url(carries)


def _wait_for_htmx(page) -> None:
    """Until no htmx request is in flight or settling (Enter in the search box fires both
    `change` and `submit`; htmx queues the second request behind the first)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def _expect_rows(page, order_ids: list[str]) -> None:
    """The table shows exactly these orders, in this order."""
    rows = page.locator("table.orders-table tbody tr")
    expect(rows.locator(".order-id")).to_have_text(order_ids)
    expect(rows).to_have_count(len(order_ids))


@pytest.fixture
def orders(shop, other_shop):
    """Orders around last month in the shop's zone (America/Los_Angeles), newest first."""
    now = timezone.now()
    start, end = period_range("last_month", shop.zone, now)

    plan = {  # name: (status, create_time, shop); local wall-clock arithmetic in the zone
        "transit_early": (IN_TRANSIT, start + timedelta(hours=1), shop),
        "transit_mid": (IN_TRANSIT, start + timedelta(days=9), shop),
        "transit_late": (IN_TRANSIT, end - timedelta(minutes=30), shop),
        "delivered": (OrderStatus.DELIVERED, start + timedelta(days=4), shop),
        "to_ship": (OrderStatus.AWAITING_SHIPMENT, start + timedelta(days=12), shop),
        "transit_before": (IN_TRANSIT, start - timedelta(minutes=30), shop),
        "transit_this_month": (IN_TRANSIT, max(end, now - timedelta(days=1)), shop),
        "elsewhere": (IN_TRANSIT, start + timedelta(days=3), other_shop),  # not the viewer's
    }
    return {
        name: OrderFactory(shop=in_shop, status=status, create_time=created).order_id
        for name, (status, created, in_shop) in plan.items()
    }


def _ids(orders, *names):
    return [orders[name] for name in names]


def test_filter_search_save_default_view_and_get_it_back(page, viewer, orders):
    _sign_in(page, viewer.email)
    page.goto("/orders/")
    _expect_rows(
        page,
        _ids(
            orders,
            "transit_this_month",
            "transit_late",
            "to_ship",
            "transit_mid",
            "delivered",
            "transit_early",
            "transit_before",
        ),
    )

    # Status: the "In transit" tab swaps the whole listing.
    page.locator("nav.tabs").get_by_role("link", name=re.compile(r"^In transit")).click()
    _wait_for_query(page, status=IN_TRANSIT)
    _expect_rows(
        page,
        _ids(
            orders,
            "transit_this_month",
            "transit_late",
            "transit_mid",
            "transit_early",
            "transit_before",
        ),
    )
    expect(page.locator("nav.tabs a[aria-current='true']")).to_have_text(
        re.compile(r"^In transit\s+5$")
    )

    # Period: last month in the shop's time zone, combined with the status.
    page.get_by_label("Period").select_option(label="Last month")
    _wait_for_query(page, status=IN_TRANSIT, period="last_month")
    _expect_rows(page, _ids(orders, "transit_late", "transit_mid", "transit_early"))

    # Two order ids at once, separated by a comma.
    searched = f"{orders['transit_early']}, {orders['transit_late']}"
    search = page.get_by_role("searchbox", name="Search")
    search.fill(searched)
    search.press("Enter")
    _wait_for_query(page, status=IN_TRANSIT, period="last_month", q=searched)
    _expect_rows(page, _ids(orders, "transit_late", "transit_early"))
    chips = page.locator("ul.chips li.chip")
    expect(chips).to_have_text(
        [
            re.compile(r"^Status: In transit"),
            re.compile(r"^Created last month"),
            re.compile(rf"^Search: {re.escape(searched)}"),
        ]
    )
    _wait_for_htmx(page)  # a screenshot during a swap would race htmx's attribute settling
    screenshot(page, "order-list")

    # Save the view as my default.
    page.locator("summary", has_text="Save this view").click()
    page.get_by_label("Name", exact=True).fill(VIEW_NAME)
    page.get_by_label("Open the list with this view").check()
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved the view “{VIEW_NAME}”.")
    view = SavedView.objects.get(owner=viewer)
    assert view.name == VIEW_NAME
    assert view.is_default
    kept = parse_qs(view.query_string)
    assert {key: kept.get(key) for key in ("status", "period", "q")} == {
        "status": [IN_TRANSIT],
        "period": ["last_month"],
        "q": [searched],
    }, f"the saved view keeps the filters on screen, not {view.query_string!r}"
    _wait_for_query(page, status=IN_TRANSIT, period="last_month", q=searched)
    _expect_rows(page, _ids(orders, "transit_late", "transit_early"))

    # Opening Orders with no filters brings the default view back.
    page.goto("/orders/")
    _wait_for_query(page, status=IN_TRANSIT, period="last_month", q=searched)
    _expect_rows(page, _ids(orders, "transit_late", "transit_early"))
    saved = page.locator("nav.saved-views").get_by_role(
        "link", name=re.compile(re.escape(VIEW_NAME))
    )
    expect(saved).to_have_attribute("aria-current", "true")
    expect(saved.locator(".badge")).to_have_text("default")
    assert page.get_by_label("Period").input_value() == "last_month"
    assert page.get_by_role("searchbox", name="Search").input_value() == searched


def test_the_order_list_collapses_into_cards_on_a_phone(phone_page, viewer, orders):
    _sign_in(phone_page, viewer.email)
    phone_page.goto(f"/orders/?status={IN_TRANSIT}&period=last_month")
    _expect_rows(phone_page, _ids(orders, "transit_late", "transit_mid", "transit_early"))
    table = phone_page.locator("table.orders-table")
    expect(table.locator("thead")).to_be_hidden()
    first = table.locator("tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    expect(first.locator("th[data-label='Order'] .order-id")).to_be_visible()
    page_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, "the list scrolls sideways on a phone"
    screenshot(phone_page, "order-list-phone")


def test_a_filter_change_replaces_the_results_instead_of_nesting_them(page, viewer, orders):
    """The filter form swaps #results with the #results partial: one region, unique ids."""
    _sign_in(page, viewer.email)
    page.goto("/orders/")
    page.get_by_label("Period").select_option(label="Last month")
    _wait_for_query(page, period="last_month")
    _expect_rows(
        page, _ids(orders, "transit_late", "to_ship", "transit_mid", "delivered", "transit_early")
    )
    _wait_for_htmx(page)
    expect(page.locator("[id='results']")).to_have_count(1)
    expect(page.locator("[id='counts']")).to_have_count(1)
    expect(page.locator("[id='page-total']")).to_have_count(1)


def test_rows_read_dates_in_the_shop_time_zone(page, shop, viewer, orders):
    """An order of 23:30 on the last day of last month, Los Angeles time, shows that date."""
    late = Order.objects.get(order_id=orders["transit_late"])
    local = late.create_time.astimezone(shop.zone)
    assert (local.hour, local.minute) == (23, 30)
    _sign_in(page, viewer.email)
    page.goto(f"/orders/?period=last_month&q={late.order_id}")
    _expect_rows(page, [late.order_id])
    created = page.locator("table.orders-table tbody tr td[data-label='Created'] time")
    expect(created).to_have_text(f"{local:%b} {local.day}, {local:%Y %H:%M}")
    expect(created).to_have_attribute("title", "America/Los_Angeles")


def test_several_order_ids_say_which_were_not_found(page, viewer, orders):
    """Three ids, one of them another shop's: "3 order ids searched, 2 found. Not found: …"."""
    _sign_in(page, viewer.email)
    page.goto("/orders/")
    searched = f"{orders['transit_early']}, {orders['delivered']} {orders['elsewhere']}"
    search = page.get_by_role("searchbox", name="Search")
    search.fill(searched)
    search.press("Enter")
    _wait_for_query(page, q=searched)
    _expect_rows(page, _ids(orders, "delivered", "transit_early"))
    expect(page.locator(".id-search-note")).to_have_text(
        f"3 order ids searched, 2 found. Not found: {orders['elsewhere']}."
    )
    _wait_for_htmx(page)
    screenshot(page, "order-list-id-search", full_page=False)


@pytest.fixture
def refund_waiting(shop, cs_agent):
    """Customer service refunded 5.00 of a delivered order, above the shop's limit of 1.00."""
    from orders.services.refunds import refund_request

    shop.refund_limit = 1
    shop.save(update_fields=["refund_limit"])
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED, refunds=False)
    refund = refund_request(order=order, actor=cs_agent, reason="Arrived broken", amount="5.00")
    assert refund.status == "REQUESTED"
    return order.order_id


def test_refunds_awaiting_approval_are_a_queue_for_the_administrator(
    new_page, admin, cs_agent, refund_waiting
):
    page = new_page()
    _sign_in(page, admin.email)
    card = page.locator("section.shop-card")
    queue = card.locator(".kpis div", has=page.get_by_role("link", name="Refund awaiting approval"))
    expect(queue.locator("dd")).to_have_text("1")
    screenshot(page, "overview-refund-queue")
    queue.get_by_role("link").click()
    _wait_for_query(page, needs_action="refund_approval")
    _expect_rows(page, [refund_waiting])
    counter = page.locator("ul.counters a.counter-active")
    expect(counter).to_have_text(re.compile(r"^Refund awaiting approval\s+1$"))
    _wait_for_htmx(page)
    page.locator("ul.counters").scroll_into_view_if_needed()
    screenshot(page, "order-list-refund-queue", full_page=False)

    agent = new_page()  # customer service sees the same refund as theirs, pending
    _sign_in(agent, cs_agent.email)
    agent.goto("/orders/")
    counters = agent.locator("ul.counters")
    expect(
        counters.get_by_role("link", name=re.compile("^My refunds pending approval"))
    ).to_have_text(re.compile(r"^My refunds pending approval\s+1$"))
    expect(
        counters.get_by_role("link", name=re.compile("^Refund awaiting approval"))
    ).to_have_count(0)
    _wait_for_htmx(agent)
    counters.scroll_into_view_if_needed()
    screenshot(agent, "order-list-my-refunds-pending", full_page=False)


def test_payment_method_and_carrier_are_lists_of_the_shops_values(page, viewer, shop, orders):
    from orders.models import Package

    Order.objects.filter(order_id=orders["delivered"]).update(payment_method_name="Klarna")
    Package.objects.filter(order__order_id=orders["delivered"]).update(
        shipping_provider_name="Royal Mail"
    )
    from django.core.cache import cache

    cache.clear()  # lists an earlier test cached for a shop with the same key
    _sign_in(page, viewer.email)
    page.goto("/orders/")
    page.locator("details.more-filters summary").click()
    payment = page.get_by_label("Payment method")
    expect(payment.locator("option", has_text="Klarna")).to_have_count(1)
    payment.select_option(label="Klarna")
    _wait_for_query(page, payment_method="Klarna")
    _expect_rows(page, _ids(orders, "delivered"))
    carrier = page.get_by_label("Carrier")
    expect(carrier.locator("option", has_text="Royal Mail")).to_have_count(1)
    _wait_for_htmx(page)
    page.locator("details.more-filters").scroll_into_view_if_needed()
    screenshot(page, "order-list-value-lists", full_page=False)

    page.goto("/orders/?payment_method=Bitcoin")  # not in the list: said, not ignored
    expect(page.get_by_role("alert")).to_contain_text(
        "Payment method: “Bitcoin” is not in the list: none of your orders has it."
    )
