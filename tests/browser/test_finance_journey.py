"""The accountant's finance journey in a real browser: open last month's statements from the
navigation, open a statement and check its summary adds up, explain one reconciliation
difference with a note and take the explanation back, and schedule the monthly settlement
report from the finance pages. No console errors and no CSP violation on the way
(tests/browser/conftest.py)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from accounts.services import membership_grant
from exports.models import ExportSchedule
from finance.models import DifferenceStatus
from orders.periods import add_months
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.finance.page_data import finance_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def books(shop, accountant):
    from tests.accounts.factories import ShopFactory

    harbour = ShopFactory(
        slug="harbour-shop",
        name="Harbour Shop",
        market="GB",
        currency="GBP",
        timezone="Europe/London",
    )
    membership_grant(shop=harbour, user=accountant, role=Role.ACCOUNTANT, actor=None)
    last_month = add_months(timezone.now().date().replace(day=1), -1)
    return finance_world(shop, gbp_shop=harbour, month=last_month), last_month


def test_accountant_reviews_last_month_explains_a_difference_and_schedules_the_report(
    page, books, accountant
):
    fin, last_month = books
    sign_in(page, accountant.email)
    page.wait_for_url(HOME)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Finance").click()
    page.get_by_role("link", name=f"{last_month:%B %Y}").click()
    expect(page.get_by_test_id("statement-row")).to_have_count(3)
    totals = page.get_by_test_id("period-total")
    expect(totals).to_have_count(2)  # GBP and USD, each on its own line
    expect(totals.filter(has_text="USD")).to_contain_text("138.25")
    expect(page.get_by_test_id("unsettled")).to_contain_text("25.00")
    screenshot(page, "finance-statements")

    north = page.get_by_test_id("statement-row").filter(has_text="North Shop")
    north.get_by_role("link", name=re.compile(f"{fin.paid.statement_date:%a %b} 3")).click()
    expect(page.get_by_test_id("settlement")).to_have_text("119.25 USD")
    expect(page.get_by_test_id("payout")).to_have_text("119.25 USD")
    expect(page.get_by_text("Adds up to the cent")).to_be_visible()
    expect(page.get_by_test_id("unknown-order")).to_have_count(1)
    page.get_by_test_id("transaction-row").first.get_by_text("amounts").click()
    expect(page.get_by_test_id("transaction-row").first).to_contain_text("TikTok Shop commission")
    screenshot(page, "finance-statement")

    page.get_by_role("navigation", name="Finance").get_by_role("link", name="Differences").click()
    row = page.get_by_test_id("difference-row").filter(has_text="Amount differs")
    row.get_by_label("What explains it").fill("TikTok charged an affiliate commission late.")
    row.get_by_role("button", name="Mark as explained").click()
    expect(page.get_by_text("Marked as explained")).to_be_visible()
    expect(page.get_by_test_id("difference-row")).to_have_count(1)  # one left open
    screenshot(page, "finance-differences")
    fin.differs.refresh_from_db()
    assert fin.differs.status == DifferenceStatus.EXPLAINED
    assert AuditEvent.objects.filter(
        action=AuditAction.FINANCE_DIFFERENCE_EXPLAINED, actor=accountant
    ).exists()

    filters = page.get_by_role("form", name="Filter differences")
    filters.get_by_label("Status").select_option(label="Explained")
    filters.get_by_role("button", name="Show").click()
    explained = page.get_by_test_id("difference-row").filter(has_text="affiliate commission")
    expect(explained.get_by_role("button", name="Reopen")).to_be_visible()
    screenshot(page, "finance-differences-explained")
    explained.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text("Reopened; the difference is open again")).to_be_visible()
    expect(page.get_by_test_id("difference-row").filter(has_text="affiliate")).to_have_count(0)
    fin.differs.refresh_from_db()
    assert (fin.differs.status, fin.differs.note) == (DifferenceStatus.OPEN, "")
    assert AuditEvent.objects.filter(
        action=AuditAction.FINANCE_DIFFERENCE_REOPENED, actor=accountant
    ).exists()

    page.get_by_role("navigation", name="Finance").get_by_role("link", name="Month summary").click()
    expect(page.get_by_role("heading", name=f"{last_month:%B %Y}", level=1)).to_be_visible()
    expect(page.get_by_test_id("summary-USD").get_by_test_id("settlement")).to_have_text(
        "138.25 USD"
    )
    screenshot(page, "finance-month")
    page.get_by_test_id("schedule-monthly").click()
    expect(page.get_by_label("Name")).to_have_value("Monthly settlement report")
    page.get_by_label("Shop", exact=True).select_option(label="North Shop")
    page.get_by_label("Format").select_option(label="Excel (XLSX)")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text(re.compile("Scheduled “Monthly settlement report”"))).to_be_visible()
    schedule = ExportSchedule.objects.get(owner=accountant)
    assert (schedule.template, schedule.frequency, schedule.format) == (
        "settlement",
        "monthly",
        "xlsx",
    )
