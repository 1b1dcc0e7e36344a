"""An accountant reads the sales chart with the keyboard: tabs to a day, hears what it holds,
opens the chart's numbers as a table, downloads them as CSV and follows a day to its orders."""

import csv
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import member
from tests.browser.conftest import fits_the_screen, screenshot, sign_in
from tests.insights.helpers import order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accountant_reads_the_chart_with_the_keyboard(page, shop):
    accountant = member(shop=shop, role=Role.ACCOUNTANT)
    today = timezone.now().astimezone(shop.zone).date()
    first = today - timedelta(days=29)  # the first day of "Last 30 days"
    noon = datetime(first.year, first.month, first.day, 12, tzinfo=shop.zone)
    order(shop, noon, units=2)
    order(shop, noon + timedelta(hours=1), refunded_amount=Decimal("30.00"), has_refund=True)
    order(shop, noon + timedelta(days=3))
    order(shop, noon - timedelta(days=30))  # the previous 30 days
    sign_in(page, accountant.email)
    page.get_by_role("link", name="Insights", exact=True).click()
    chart = page.locator("section", has=page.get_by_role("heading", name="Sales over time"))
    expect(
        chart.get_by_role("group", name=re.compile("Net sales and orders per day"))
    ).to_be_visible()
    expect(chart.locator(".chart-legend")).to_contain_text("3 orders, 270.00 USD net sales")
    # The last link before the chart is the "Months" switch; the next Tab is the first day.
    chart.get_by_role("link", name="Months").focus()
    page.keyboard.press("Tab")
    day = f"{first:%b} {first.day}, {first.year}"
    point = chart.locator("a.chart-point").first
    expect(point).to_be_focused()
    expect(point).to_have_attribute("aria-label", re.compile(rf"^{day}: 2 orders, 170.00 USD"))
    # Named to assistive technology as a link, not hidden inside a picture.
    expect(chart.get_by_role("link", name=re.compile(rf"^{day}: 2 orders"))).to_have_count(1)
    page.keyboard.press("Tab")
    expect(chart.locator("a.chart-point").nth(1)).to_be_focused()
    chart.get_by_text("Show the numbers as a table").click()
    table = chart.locator("details.chart-table table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first.locator("td").nth(0)).to_have_text("2 orders")
    expect(table.locator("tbody tr").first.locator("td").nth(1)).to_have_text("170.00 USD")
    fits_the_screen(page)
    screenshot(page, "insights-chart")
    with page.expect_download() as download:
        chart.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("insights-sales-USD-")
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == ["bucket start", "bucket end", "orders", "net sales"]
    assert rows[1][:4] == [first.isoformat(), first.isoformat(), "2", "170.00"]
    assert len(rows) == 31
    # Enter on a focused day opens that day's orders.
    chart.locator("a.chart-point").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/orders/\?.*date_from={first.isoformat()}"))
    expect(page.locator("table.orders-table tbody tr")).to_have_count(2)
