"""An accountant compares last month with the same month last year on /insights/, reads how a
figure is counted and follows it to the order list."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from orders.periods import add_months
from tests.accounts.factories import member
from tests.browser.conftest import fits_the_screen, screenshot, sign_in
from tests.insights.helpers import order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accountant_compares_last_month_with_last_year(page, shop):
    accountant = member(shop=shop, role=Role.ACCOUNTANT)
    month = add_months(timezone.now().astimezone(shop.zone).date().replace(day=1), -1)
    noon = datetime(month.year, month.month, 15, 12, tzinfo=shop.zone)
    order(shop, noon, units=2)
    order(shop, noon, units=1, refunded_amount=Decimal("30.00"), has_refund=True)
    order(shop, noon, status="CANCELLED")
    order(shop, noon.replace(year=noon.year - 1), units=1)
    sign_in(page, accountant.email)
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", name="Sales insights")).to_be_visible()
    page.get_by_label("Period", exact=True).select_option("last_month")
    page.get_by_label("Compare with").select_option("last_year")
    page.get_by_role("button", name="Show").click()
    orders = page.locator("#figure-orders")
    expect(orders.locator("td").nth(0)).to_have_text("3")
    expect(orders.locator("td").nth(1)).to_have_text("1")
    expect(orders.locator("td").nth(2)).to_have_text("+200.0%")
    expect(page.locator("#figure-net_sales td").nth(0)).to_have_text("170.00 USD")
    page.locator("#figure-net_sales summary").click()
    expect(page.locator("#figure-net_sales details p")).to_contain_text("Gross sales less")
    # The chart of the month by day, last year's as the second line; its numbers as a table.
    chart = page.locator("section", has=page.get_by_role("heading", name="Sales over time"))
    chart.get_by_text("Show the numbers as a table").click()
    row = chart.locator("details.chart-table tbody tr").nth(14)  # the 15th, as ordered
    expect(row).to_contain_text("3 orders")
    expect(row).to_contain_text("170.00 USD")
    expect(row).to_contain_text("1 order")
    fits_the_screen(page)
    screenshot(page, "insights-last-month-vs-last-year")
    page.locator("#figure-cancellation_rate td a").first.click()
    expect(page).to_have_url(re.compile(r"/orders/\?.*status=CANCELLED"))
    expect(page.locator("table.orders-table tbody tr")).to_have_count(1)
