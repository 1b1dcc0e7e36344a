"""`python -m benchmarks.compare`: two checkouts (here the same one twice) answer the same
pages in turns, and a page that does not answer 200 stops the comparison with its status."""

from pathlib import Path

import pytest
from django.db import connection

from benchmarks.compare import compare
from benchmarks.tiktok_processes import database_url
from tests.conftest import require
from tests.orders.factories import OrderFactory

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def served(monkeypatch, shop, admin):
    """The workers open this test's database; the orders are committed for them."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    OrderFactory(shop=shop)
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.delenv("REDIS_URL", raising=False)
    return admin


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_sides_answer_each_path_and_the_table_says_so(served):
    table = compare(
        ROOT, ROOT, ["/orders/", "/orders/?per_page=200"], user=served.email, rounds=2, batch=2
    )
    lines = table.splitlines()
    assert lines[0] == "| path | before p50 / p95 | after p50 / p95 | p50 change |"
    assert [line.split("|")[1].strip() for line in lines[2:]] == [
        "`/orders/`",
        "`/orders/?per_page=200`",
    ]
    for line in lines[2:]:
        before, after = (cell.split(" / ") for cell in line.split("|")[2:4])
        assert 0 < float(before[0]) <= float(before[1]) and 0 < float(after[0]) <= float(after[1])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_that_does_not_answer_stops_the_comparison(served):
    with pytest.raises(SystemExit, match="before: /orders/nope/ answered 404"):
        compare(ROOT, ROOT, ["/orders/nope/"], user=served.email, rounds=1, batch=1)
