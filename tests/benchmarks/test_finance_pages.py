"""The finance pages benchmark requests every page as the demo's accountant, and times each
page's own SQL beside it."""

import pytest

from accounts.roles import Role
from benchmarks.finance_pages import ACCOUNTANT, benchmark_finance_pages
from benchmarks.finance_pages import render_finance_pages_markdown as render
from tests.accounts.factories import ShopFactory, member
from tests.finance.page_data import finance_world

pytestmark = pytest.mark.django_db


def test_every_finance_page_is_timed_with_its_sql(shop):
    member(shop=shop, role=Role.ACCOUNTANT, email=ACCOUNTANT)
    world = finance_world(shop, gbp_shop=ShopFactory(slug="harbour-shop", currency="GBP"))
    timings = benchmark_finance_pages(repeat=5)
    assert [t.url for t in timings] == [
        "/finance/?month=2026-11",
        f"/finance/statements/{world.processing.pk}/",
        "/finance/months/2026/11/",
        "/finance/differences/",
    ]
    assert all(t.queries > 0 and t.page_ms[1] >= t.page_ms[0] > 0 for t in timings)
    assert all(t.sql_ms[0] > 0 for t in timings)
    assert "| summary of November 2026 |" in render(timings, repeat=5)
