"""Importing Seller Center finance files through the service (imports.finance_files): each
layout with header drift, idempotent and all-or-nothing, the bad inputs, another layout's file
refused, and a statement pulled from the API then imported from a file is one statement."""

from datetime import date
from decimal import Decimal

import pytest

from finance.models import (
    SettlementTransaction,
    Source,
    Statement,
    TransactionSku,
    UnsettledTransaction,
)
from finance.services.store import statement_store, transactions_store
from finance.values import FinanceRefused, StatementValues, TransactionValues, utc_day_start
from imports.apply import ImportRefused
from imports.bounds import UnreadableFile
from imports.finance_files import cells
from imports.finance_files.service import import_finance_file
from tests.accounts.factories import ShopFactory
from tests.finance import finance_files as ff
from tests.orders.factories import OrderFactory

D = Decimal


@pytest.fixture
def sea_shop(db):
    return ShopFactory(
        slug="kl-shop", name="KL Shop", market="MY", currency="MYR", timezone="Asia/Kuala_Lumpur"
    )


def run(shop, content, name="file.xlsx", **kwargs):
    return import_finance_file(shop=shop, source=content, name=name, **kwargs)


# Cells


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,234.50", D("1234.50")),
        ("-$1,234.50", D("-1234.50")),
        ("1.234,50", D("1234.50")),
        ("RM 12.00", D("12.00")),
        ("(12.00)", D("-12.00")),
        ("150.000", D("150000.00")),
        ("12,5", D("12.50")),
        ("", D("0.00")),
        (-3.5, D("-3.50")),
    ],
)
def test_amounts_with_currency_symbols_and_thousands_marks(text, amount):
    assert cells.amount(text, "Total") == amount


@pytest.mark.parametrize(
    ("value", "day"),
    [("2026/06/12", date(2026, 6, 12)), (20260612, date(2026, 6, 12)),
     ("20260612", date(2026, 6, 12)), ("2026-06-12 10:00:00", date(2026, 6, 12))],
)  # fmt: skip
def test_days_in_the_formats_seen(value, day):
    assert cells.day(value, "Order settled date") == day


# SEA Income report


@pytest.mark.parametrize("header", [ff.SEA_HEADER, ff.SEA_HEADER_DRIFTED])
def test_sea_income_csv_with_header_drift(sea_shop, header):
    content = ff.csv_bytes(header, [ff.sea_row(), ff.sea_row("576000000000000002")])
    report = run(sea_shop, content, "income.csv")
    assert (report.created, report.statements_created) == (2, 1)
    statement = Statement.objects.get(shop=sea_shop)
    assert (statement.statement_id, statement.source) == ("", Source.FILE)
    assert statement.statement_date == date(2026, 6, 12)
    assert statement.settlement_amount == D("163.00")
    assert statement.fee_tax_amount == D("-27.00")
    row = SettlementTransaction.objects.get(order_tiktok_id="576000000000000001")
    assert row.transaction_id == "file:ORDER:576000000000000001:20260612"
    assert row.settlement_amount == D("81.50")
    assert row.fee_amount == D("-13.50")  # commission and transaction fee, costs negative
    assert "Something TikTok added" in report.ignored_columns
    assert report.unknown_orders == 2  # kept, matched later


def test_sea_income_xlsx_with_a_corrupt_dimension(sea_shop):
    content = ff.xlsx_bytes(
        {"Order details": [ff.SEA_HEADER, ff.sea_row(), ff.sea_row("576000000000000002")]},
        dimension="A1:AO6",
    )
    assert run(sea_shop, content).created == 2
    # Only the first row was inside the stale dimension A1:A1: the rows are read all the same.
    assert (
        run(sea_shop, ff.xlsx_bytes({"Order details": [ff.SEA_HEADER, ff.sea_row()]})).unchanged
        == 1
    )


def test_re_importing_the_same_file_adds_nothing(sea_shop):
    content = ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row(), ff.sea_row("576000000000000002")])
    run(sea_shop, content, "income.csv")
    again = run(sea_shop, content, "income.csv")
    assert (again.created, again.updated, again.unchanged, again.statements_created) == (0, 0, 2, 0)
    assert SettlementTransaction.objects.count() == 2
    assert Statement.objects.get().settlement_amount == D("163.00")


def test_a_second_file_of_the_same_day_adds_to_its_statement(sea_shop):
    run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "a.csv")
    report = run(
        sea_shop,
        ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row(), ff.sea_row("576000000000000003")]),
        "b.csv",
    )
    assert (report.created, report.unchanged) == (1, 1)
    assert Statement.objects.get().settlement_amount == D("163.00")  # counted once


def test_a_bad_row_stores_nothing_and_says_why(sea_shop):
    content = ff.csv_bytes(
        ff.SEA_HEADER,
        [ff.sea_row(), ff.sea_row("576000000000000002", settlement="lots"),
         ff.sea_row("576000000000000003", settled="next week")],
    )  # fmt: skip
    preview = run(sea_shop, content, "income.csv", dry_run=True)
    reasons = {(e.row, e.column): e.reason for e in preview.errors}
    assert reasons[(3, "Total settlement amount")] == "'lots' is not an amount"
    assert "is not a date" in reasons[(4, "Order settled time")]
    with pytest.raises(ImportRefused):
        run(sea_shop, content, "income.csv")
    assert not Statement.objects.exists() and not SettlementTransaction.objects.exists()


def test_a_preview_counts_what_importing_would_do_and_stores_nothing(sea_shop):
    content = ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()])
    preview = run(sea_shop, content, "income.csv", dry_run=True)
    assert (preview.created, preview.statements_created) == (1, 1)
    assert not Statement.objects.exists()


def test_a_transaction_twice_in_a_file_is_a_bad_row(sea_shop):
    content = ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row(), ff.sea_row()])
    preview = run(sea_shop, content, "income.csv", dry_run=True)
    assert [e.reason for e in preview.errors] == [
        "576000000000000001 appears twice in the file's statement of 2026-06-12 (first on row 2)"
    ]


def test_costs_written_positive_are_stored_negative(sea_shop):
    row = ff.sea_row(fees="13.50", transaction_fee="3.50", commission="10.00", shipping="5.00",
                     actual_shipping="5.00")  # fmt: skip
    report = run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, [row]), "income.csv")
    stored = SettlementTransaction.objects.get()
    assert (stored.fee_tax_amount, stored.fee_amount) == (D("-13.50"), D("-13.50"))
    assert stored.settlement_amount == D("81.50")
    assert report.notices[0]["value"] == "costs written as positive numbers; stored as negative"


def test_an_adjustment_row(sea_shop):
    rows = [ff.sea_row("9100000000000007", kind="Logistics reimbursement", settlement="4.00",
                       revenue="0", gross="0", discount="0", fees="0", transaction_fee="0",
                       commission="0", shipping="0", actual_shipping="0",
                       related="576000000000000001")]  # fmt: skip
    run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, rows), "income.csv")
    stored = SettlementTransaction.objects.get()
    assert (stored.type_id, stored.adjustment_id) == ("LOGISTICS_REIMBURSEMENT", "9100000000000007")
    assert (stored.order_tiktok_id, stored.adjustment_amount) == ("576000000000000001", D("4.00"))


def test_a_known_order_is_matched(sea_shop):
    order = OrderFactory(shop=sea_shop, order_id="576000000000000001")
    report = run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "income.csv")
    assert report.unknown_orders == 0
    assert SettlementTransaction.objects.get().order == order


# Refusals


def test_a_file_of_another_market_is_refused(shop):
    with pytest.raises(UnreadableFile, match="North Shop is a US shop"):
        run(shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "income.csv")


def test_an_order_file_is_refused_with_where_it_goes(shop):
    content = ff.csv_bytes(["Order ID", "Order Status", "SKU ID"], [["5760", "Shipped", "1"]])
    with pytest.raises(UnreadableFile, match="order import page"):
        run(shop, content, "orders.csv")


def test_an_unknown_file_is_refused(shop):
    with pytest.raises(UnreadableFile, match="not a Seller Center finance file"):
        run(shop, ff.csv_bytes(["Name", "Amount"], [["a", "1"]]), "x.csv")


def test_a_missing_required_column_is_named(sea_shop):
    header = [h for h in ff.SEA_HEADER if h != "Currency"]
    rows = [[c for h, c in zip(ff.SEA_HEADER, ff.sea_row(), strict=True) if h != "Currency"]]
    with pytest.raises(UnreadableFile, match="missing.*“Currency”"):
        run(sea_shop, ff.csv_bytes(header, rows), "income.csv")


# US profit and loss workbook


def test_profit_and_loss_workbook_with_offset_headers_and_the_typo(shop):
    orders = [ff.orders_row(), ff.orders_row(sku="1729000000000002"),
              ff.orders_row("576000000000000002")]  # fmt: skip
    report = run(
        shop, ff.profit_loss(orders, dimension="A1:AO6"), "merchant_statement_profit_loss_2026.xlsx"
    )
    statement = Statement.objects.get(shop=shop)
    assert (statement.statement_id, statement.tiktok_payment_id) == (
        "7300000000000000001",
        "8100000000000001",
    )
    assert statement.statement_date == date(2026, 6, 12) and statement.currency == "USD"
    order = SettlementTransaction.objects.get(type_id="ORDER", order_tiktok_id="576000000000000001")
    assert order.settlement_amount == D("64.00")  # its two SKU rows
    assert TransactionSku.objects.filter(shop=shop).count() == 3
    adjustment = SettlementTransaction.objects.get(adjustment_id="9100000000000001")
    assert adjustment.settlement_amount == D("-2.50")
    assert statement_total(statement) == D("93.50")
    assert (report.created, report.skus_created) == (3, 3)
    assert "sheet “Order payment info”" in report.ignored_columns
    again = run(shop, ff.profit_loss(orders), "merchant_statement_profit_loss_2026.xlsx")
    assert (again.created, again.unchanged, again.skus_created) == (0, 3, 0)


def statement_total(statement):
    statement.refresh_from_db()
    return statement.settlement_amount


def test_profit_and_loss_duplicated_sku_row(shop):
    content = ff.profit_loss([ff.orders_row(), ff.orders_row()])
    report = run(shop, content, "pl.xlsx", dry_run=True)
    assert report.errors[0].row == 8
    assert report.errors[0].column == "Orders › SKU ID"
    assert (
        "appears twice in statement 7300000000000000001 (first on row 7)" in report.errors[0].reason
    )


# US unsettled export


def test_unsettled_export_becomes_estimates(shop):
    content = ff.csv_bytes(
        ff.UNSETTLED_HEADER, [ff.unsettled_row(), ff.unsettled_row("576000000000000002")]
    )
    report = run(shop, content, "unsettled.csv")
    assert report.unsettled_created == 2
    estimate = UnsettledTransaction.objects.get(order_tiktok_id="576000000000000001")
    assert estimate.est_settlement_amount == D("30.00")
    assert estimate.estimated_settlement_text == "Delivered + 1 days"
    assert estimate.unsettled_reason == "Waiting for package delivery"
    assert not Statement.objects.exists()  # estimates never make statements
    again = run(shop, content, "unsettled.csv")
    assert (again.unsettled_created, again.unsettled_unchanged) == (0, 2)


# API then file, file then API


def test_a_statement_pulled_then_imported_is_one_statement(shop):
    when = utc_day_start(date(2026, 6, 12))
    statement, _, _ = statement_store(
        shop, StatementValues(statement_id="7300000000000000001", statement_time=when,
                              currency="USD", settlement_amount=D("93.50")),
    )  # fmt: skip
    transactions_store(
        statement,
        [TransactionValues(transaction_id="555001", type="ORDER", currency="USD",
                           order_tiktok_id="576000000000000001", settlement_amount=D("32.00"))],
    )  # fmt: skip
    report = run(shop, ff.profit_loss(), "pl.xlsx")
    assert Statement.objects.filter(shop=shop).count() == 1
    assert report.from_api == 1 and report.created == 1  # the adjustment was not pulled
    statement.refresh_from_db()
    assert statement.source == Source.API and statement.settlement_amount == D("93.50")
    assert SettlementTransaction.objects.filter(order_tiktok_id="576000000000000001").count() == 1


def test_a_file_statement_is_taken_over_by_the_api(sea_shop):
    run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "income.csv")
    statement, created, _ = statement_store(
        sea_shop,
        StatementValues(statement_id="7300000000000000009",
                        statement_time=utc_day_start(date(2026, 6, 12)), currency="MYR"),
    )  # fmt: skip
    assert not created and statement.statement_id == "7300000000000000009"
    transactions_store(
        statement,
        [TransactionValues(transaction_id="555002", type="ORDER", currency="MYR",
                           order_tiktok_id="576000000000000001", settlement_amount=D("81.50"))],
    )  # fmt: skip
    assert list(SettlementTransaction.objects.values_list("transaction_id", "source")) == [
        ("555002", Source.API)
    ]
    again = run(sea_shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "income.csv")
    assert (again.from_api, again.created) == (1, 0)
    assert Statement.objects.count() == 1


def test_a_file_naming_another_statement_of_a_pulled_day_is_refused(shop):
    statement_store(
        shop,
        StatementValues(statement_id="7300000000000000005",
                        statement_time=utc_day_start(date(2026, 6, 12)), currency="USD"),
    )  # fmt: skip
    with pytest.raises(UnreadableFile, match="statement 7300000000000000005 of that day"):
        run(shop, ff.profit_loss(), "pl.xlsx")
    assert Statement.objects.count() == 1 and not SettlementTransaction.objects.exists()


def test_a_statement_in_two_files_is_one_statement(shop):
    run(shop, ff.profit_loss(adjustments=[]), "june-a.xlsx")
    second = ff.profit_loss([ff.orders_row("576000000000000009")], adjustments=[])
    report = run(shop, second, "june-b.xlsx")
    assert (report.created, report.statements_created) == (1, 0)
    assert Statement.objects.count() == 1
    assert statement_total(Statement.objects.get()) == D("64.00")  # both files' orders, once


def test_a_day_first_or_month_first_date_is_not_guessed():
    with pytest.raises(FinanceRefused, match="not a date"):
        cells.day("03/04/2026", "Order settled time")
