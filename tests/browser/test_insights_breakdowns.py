"""An accountant reads the top products and the sales by region on /insights/ and follows a
region, with the keyboard, to the order list showing its orders."""

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


def _line(sku, name, quantity, sales):
    return {
        "sku_id": sku,
        "product_id": f"p{sku}",
        "product_name": name,
        "seller_sku": f"S-{sku}",
        "quantity": quantity,
        "sales": sales,
    }


def _orders(shop):
    """Yesterday: a mug to California, a mug and a tee to Texas, a cancelled order."""
    today = timezone.now().astimezone(shop.zone).date()
    yesterday = today - timedelta(days=1)
    noon = datetime(yesterday.year, yesterday.month, yesterday.day, 12, tzinfo=shop.zone)
    where = lambda state, total: {  # noqa: E731
        "region_code": "US",
        "state": state,
        "original_total_product_price": Decimal(total),
    }
    order(shop, noon, lines=[_line("101", "Enamel mug", 2, "30.00")], **where("CA", "30.00"))
    order(shop, noon, lines=[_line("101", "Enamel mug", 1, "15.00")], **where("TX", "15.00"))
    order(shop, noon, lines=[_line("102", "Linen tee", 1, "20.00")], **where("TX", "20.00"))
    order(shop, noon, status="CANCELLED", lines=[_line("102", "Linen tee", 4, "80.00")])


def test_accountant_reads_top_products_and_follows_a_region(page, shop):
    accountant = member(shop=shop, role=Role.ACCOUNTANT)
    _orders(shop)
    sign_in(page, accountant.email)
    page.get_by_role("link", name="Insights", exact=True).click()
    page.get_by_label("Period", exact=True).select_option("last_7_days")
    page.get_by_role("button", name="Show").click()
    products = page.locator("section", has=page.locator("#h-products"))
    first = products.locator("tbody tr").first
    expect(first.locator("th")).to_have_text("Enamel mug")
    expect(first.locator("td").nth(0)).to_have_text("3")  # units
    expect(first.locator("td").nth(2)).to_have_text("45.00 USD")
    regions = page.locator("section", has=page.locator("#h-regions"))
    texas = regions.locator("tbody tr").first
    expect(texas.locator("th")).to_have_text("TX")
    expect(texas.locator("td").nth(0)).to_have_text("United States")
    expect(texas.locator("td").nth(1)).to_have_text("2")
    expect(texas.locator("td").nth(2)).to_have_text("35.00 USD")
    funnel = page.locator("#funnel-paid")
    expect(funnel.locator("td").nth(1)).to_have_text("100% of paid orders")
    fits_the_screen(page)
    screenshot(page, "insights-breakdowns")
    link = texas.get_by_role("link", name="TX")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/orders/\?.*state=TX"))
    expect(page.locator("table.orders-table tbody tr")).to_have_count(2)


def test_the_breakdowns_fit_a_phone(phone_page, shop):
    accountant = member(shop=shop, role=Role.ACCOUNTANT)
    _orders(shop)
    sign_in(phone_page, accountant.email)
    phone_page.wait_for_url(re.compile(r"/$"))
    phone_page.goto("/insights/?period=last_7_days")
    expect(phone_page.locator("#funnel-paid td").first).to_have_text("4")
    fits_the_screen(phone_page)
    screenshot(phone_page, "insights-breakdowns-phone")
