"""An administrator reads today's sales on the overview's shop tile against last week's and
follows a count to the orders behind it."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import member
from tests.browser.conftest import HOME, fits_the_screen, screenshot, sign_in
from tests.insights.helpers import order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sold(shop):
    """Today: one kept order (100.00) and a cancelled one; last week's weekday: 50.00."""
    now = timezone.now().astimezone(shop.zone)
    last_week = datetime.combine(now.date() - timedelta(days=7), now.time(), tzinfo=shop.zone)
    order(shop, now, units=2)
    order(shop, now, status="CANCELLED")
    order(shop, last_week, seller_discount=Decimal("50.00"))
    order(shop, now - timedelta(days=30), status="IN_TRANSIT")
    return member(shop=shop, role=Role.ADMINISTRATOR)


def test_administrator_reads_todays_sales_and_opens_their_orders(page, sold):
    sign_in(page, sold.email)
    page.wait_for_url(HOME)
    today = page.locator("section.shop-card table.tile-sales tbody tr").first
    expect(today.locator("th")).to_contain_text("Today")
    net_sales, orders = today.locator("td").nth(0), today.locator("td").nth(1)
    expect(net_sales.locator("a.sales-now")).to_have_text("100.00 USD")
    expect(net_sales.locator(".sales-change")).to_have_text("+100% on last week")
    expect(net_sales.locator(".sales-base")).to_have_text("Last week: 50.00 USD")
    expect(orders.locator("a.sales-now")).to_have_text("2 orders")
    expect(orders.locator(".sales-change")).to_have_text("+100% on last week")
    expect(page.get_by_role("link", name="See sales insights")).to_be_visible()
    fits_the_screen(page)
    screenshot(page, "overview-sales-tiles")
    orders.locator("a.sales-now").click()
    expect(page).to_have_url(re.compile(r"/orders/\?shop=north-shop&status=.*date_from="))
    expect(page.locator("table.orders-table tbody tr")).to_have_count(2)


def test_a_status_count_opens_its_orders_and_the_tile_fits_a_phone(phone_page, sold):
    sign_in(phone_page, sold.email)
    phone_page.wait_for_url(HOME)
    fits_the_screen(phone_page)
    screenshot(phone_page, "overview-sales-tiles-phone")
    phone_page.get_by_role("link", name="In transit: 1 order").click()
    expect(phone_page).to_have_url(re.compile(r"/orders/\?shop=north-shop&status=IN_TRANSIT$"))
    expect(phone_page.locator("table.orders-table tbody tr")).to_have_count(1)
