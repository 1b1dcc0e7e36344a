"""The statements' totals (finance.models.totals) equal a direct aggregation of their
transactions after every path that changes them: a store, the same page stored again, a
transaction re-stored under another statement, a finance file imported (and again, and taken
over by the API), a rebuild of everything and the migration's own fill."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from finance.models import (
    SettlementTransaction,
    Statement,
    StatementComponentTotal,
    StatementTotals,
    TransactionComponent,
)
from finance.services.store import statement_store, transactions_store
from finance.services.totals import TOTALS_COLUMNS, totals_rebuild_all
from finance.values import StatementValues, TransactionValues, utc_day_start
from imports.finance_files.service import import_finance_file
from tests.accounts.factories import ShopFactory
from tests.finance import finance_files as ff
from tests.finance import ledger

pytestmark = pytest.mark.django_db
D = Decimal
FILL = importlib.import_module("finance.migrations.0002_statement_totals")


def direct() -> tuple[dict, set]:
    """Every statement's totals and component totals aggregated from the transactions."""
    heads = {}
    for statement in Statement.objects.all():
        sums = SettlementTransaction.objects.filter(statement=statement).aggregate(
            transactions=Count("pk"), **{name: Sum(name) for name in TOTALS_COLUMNS}
        )
        heads[statement.pk] = {
            name: value if value is not None else D("0.00") for name, value in sums.items()
        }
    components = {
        (row["transaction__statement"], row["transaction__currency"], row["component"]):
            (row["total"], row["n"])
        for row in TransactionComponent.objects.values(
            "transaction__statement", "transaction__currency", "component"
        ).annotate(total=Sum("amount"), n=Count("pk"))
    }  # fmt: skip
    return heads, set(components.items())


def kept() -> tuple[dict, set]:
    """The totals kept; a statement never given a transaction has no row: all zero."""
    nothing = {"transactions": 0, **dict.fromkeys(TOTALS_COLUMNS, D("0.00"))}
    heads = {pk: nothing for pk in Statement.objects.values_list("pk", flat=True)}
    heads |= {
        row.pop("statement"): row
        for row in StatementTotals.objects.values("statement", "transactions", *TOTALS_COLUMNS)
    }
    components = {
        ((row[0], row[1], row[2]), (row[3], row[4]))
        for row in StatementComponentTotal.objects.values_list(
            "statement", "currency", "component", "amount", "transactions"
        )
    }
    return heads, components


def assert_exact():
    assert kept() == direct()


@pytest.fixture
def sea_shop(db):
    return ShopFactory(
        slug="kl-shop", name="KL Shop", market="MY", currency="MYR", timezone="Asia/Kuala_Lumpur"
    )


def test_a_store_and_the_same_page_again_keep_the_totals_exact(books):
    assert_exact()
    totals = StatementTotals.objects.get(statement=books["second"])
    assert totals.transactions == 8
    again = ledger.order_settlement(books["ok"], txn="801", fee_rate=D("0.10"))
    transactions_store(books["second"], [again])
    assert_exact()
    assert StatementTotals.objects.get(statement=books["second"]).transactions == 8


def test_a_transaction_stored_under_another_statement_moves_its_totals(books):
    moved = ledger.order_settlement(books["ok"], txn="801")
    transactions_store(books["first"], [moved])
    assert_exact()
    assert StatementTotals.objects.get(statement=books["first"]).transactions == 1
    assert StatementTotals.objects.get(statement=books["second"]).transactions == 7


def test_a_finance_file_imported_again_and_taken_over_by_the_api(sea_shop):
    content = ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row(), ff.sea_row("576000000000000002")])
    import_finance_file(shop=sea_shop, source=content, name="income.csv")
    assert_exact()
    import_finance_file(shop=sea_shop, source=content, name="income.csv")
    assert_exact()
    statement, _, _ = statement_store(
        sea_shop,
        StatementValues(statement_id="7300000000000000009",
                        statement_time=utc_day_start(date(2026, 6, 12)), currency="MYR"),
    )  # fmt: skip
    transactions_store(
        statement,
        [TransactionValues(transaction_id="555002", type="ORDER", currency="MYR",
                           order_tiktok_id="576000000000000001", settlement_amount=D("81.50"))],
    )  # fmt: skip
    assert_exact()


def test_a_deleted_statement_takes_its_totals_along(books):
    books["second"].delete()
    assert_exact()
    assert not StatementComponentTotal.objects.exists()


def test_a_rebuild_and_the_migration_s_fill_give_the_same_totals(books):
    expected = direct()
    totals_rebuild_all()
    assert kept() == expected
    StatementComponentTotal.objects.all().delete()
    StatementTotals.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(FILL.FILL_TOTALS)
        cursor.execute(FILL.FILL_COMPONENT_TOTALS)
    assert kept() == expected
