"""The page benchmarks (`manage.py benchmark --parts list`) time what they say they time."""

import pytest

from tests.orders.helpers import orders_with_filter_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(shop, other_shop):
    return orders_with_filter_values(shop, other_shop)


def test_the_benchmark_times_the_lists_read_anew(admin, orders):
    """`manage.py benchmark --parts list` has a row for the lists on a cold cache: each timed
    page reads them again (docs/benchmarks.md has the figures)."""
    from django.test import Client

    from benchmarks.pages import CountQueries, _filter_lists_cold

    browser = Client()
    browser.force_login(admin)
    timing = _filter_lists_cold(browser, admin, repeat=5)
    assert timing.name == "filter lists, cold cache (default view)"
    assert timing.page_ms[0] > 0 and timing.raw_ms[0] > 0
    with CountQueries() as warm:  # the lists are cached now
        browser.get("/orders/")
    assert timing.queries > warm.count  # the timed pages read them anew
