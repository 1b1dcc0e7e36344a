"""The finance pull against the simulated TikTok Shop: statements, their transactions page by
page, payments, withdrawals, unsettled estimates and SKU rows stored; a second pull adds
nothing; the blocked 202309 transaction endpoints are answered as a retired version."""

from decimal import Decimal

import pytest

from finance.models import (
    Difference,
    FinanceSync,
    Payment,
    SettlementTransaction,
    Statement,
    TransactionComponent,
    TransactionSku,
    UnsettledTransaction,
    Withdrawal,
)
from finance.selectors.summary import statement_summary
from orders.models import Order
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError
from tiktok.services.finance_pull import connection_finance_pull

pytestmark = pytest.mark.django_db(transaction=True)
MODELS = (
    Statement,
    SettlementTransaction,
    TransactionComponent,
    TransactionSku,
    Payment,
    Withdrawal,
    UnsettledTransaction,
    Difference,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_pull_stores_what_tiktok_settled_and_a_re_run_adds_nothing(
    shop,
    pull_world,
    settings,
    postgres,
):
    settings.TIKTOK_FINANCE_PAGE_SIZE = 7  # several pages of statements and transactions
    settings.TIKTOK_FINANCE_ORDER_CALLS = 1000
    connection = pull_world.connect(shop)
    report = connection_finance_pull(connection_id=connection.pk)
    assert not report.error and not report.skipped, report.as_dict()
    books = pull_world.books
    assert Statement.objects.filter(shop=shop).count() == len(books.statements) > 3
    settled = [t for s in books.statements for t in s.transactions]
    assert SettlementTransaction.objects.filter(shop=shop).count() == len(settled)
    assert report.pages > len(books.statements) + 4  # paged, statement by statement
    for statement in Statement.objects.filter(shop=shop):
        sent = pull_world.sim.world.ledger.by_id[statement.statement_id].data
        assert statement.settlement_amount == Decimal(sent["settlement_amount"])
        summary = statement_summary(statement)
        assert summary.adds_up and summary.not_in_transactions == 0
        assert statement.transactions_pulled_at is not None
    # A payment exists two hours after its statement: the one of a day that just ended is
    # not there yet.
    issued = pull_world.sim.world.clock()
    assert Payment.objects.filter(shop=shop).count() == sum(
        1 for s in books.statements if s.payment and s.payment["create_time"] <= issued
    )
    assert Statement.objects.filter(shop=shop, payment__isnull=False).count() == (
        Payment.objects.filter(shop=shop).count()
    )
    assert Withdrawal.objects.filter(shop=shop).count() == Payment.objects.count()
    assert UnsettledTransaction.objects.filter(shop=shop).count() == len(books.unsettled)
    skus = sum(len(t.skus) for t in settled if t.data["type"] == "ORDER")
    assert TransactionSku.objects.filter(shop=shop).count() == skus
    # Orders we hold are matched; one TikTok settled that we never saw is kept and flagged.
    matched = SettlementTransaction.objects.filter(shop=shop, order__isnull=False)
    assert matched.count() > len(settled) / 2
    for difference in Difference.objects.filter(shop=shop, kind="unknown_order"):
        assert not Order.objects.filter(order_id=difference.order_tiktok_id).exists()
    assert FinanceSync.objects.get(shop=shop).statements_until is not None

    before = counts()
    again = connection_finance_pull(connection_id=connection.pk)
    assert counts() == before
    assert again.statements.created == again.transactions.created == 0
    assert again.payments.created == again.withdrawals.created == 0
    assert not again.error


def test_the_202309_transaction_endpoints_are_blocked(shop, pull_world, postgres):
    connection = pull_world.connect(shop)
    client = TikTokClient.from_settings()
    statement_id = pull_world.books.statements[0].data["id"]
    for path in (
        f"/finance/202309/statements/{statement_id}/statement_transactions",
        "/finance/202309/orders/576000000000000001/statement_transactions",
    ):
        with pytest.raises(ApiError) as refused:
            client._api_call(
                "GET", path, access_token=connection.access_token,
                shop_cipher=connection.shop_cipher, query={"sort_field": "order_create_time"},
            )  # fmt: skip
        assert refused.value.code == 36009014
    page = client.get_statement_transactions(
        access_token=connection.access_token,
        shop_cipher=connection.shop_cipher,
        statement_id=statement_id,
    )
    assert page.data["status"] == "SETTLED" and page.items


def test_a_shop_that_did_not_grant_finance_access_is_skipped(shop, pull_world, postgres):
    connection = pull_world.connect(shop)
    connection.granted_scopes = ["seller.order.info"]
    connection.save()
    report = connection_finance_pull(connection_id=connection.pk)
    assert "did not grant finance access" in report.skipped
    assert not Statement.objects.exists()


def test_the_beat_pulls_each_connected_shop_once_an_interval(shop, pull_world, postgres):
    from celery import current_app

    from tiktok.tasks import tiktok_finance_due

    pull_world.connect(shop)
    current_app.conf.task_always_eager = True
    try:
        assert tiktok_finance_due() == {"queued": 1, "running": 0}
        assert tiktok_finance_due() == {"queued": 0, "running": 0}  # pulled within the hour
    finally:
        current_app.conf.task_always_eager = False
    assert Statement.objects.filter(shop=shop).count() == len(pull_world.books.statements)
    assert FinanceSync.objects.get(shop=shop).last_pulled_at is not None
