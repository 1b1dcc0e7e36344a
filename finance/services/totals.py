"""Statement totals (finance.models.totals) recomputed from the transactions, set-based: one
DELETE and one INSERT … SELECT … GROUP BY per table for the statements named. Every path that
changes a statement's transactions calls `totals_rebuild` after the change, so the totals
always equal a direct aggregation."""

from django.db import connection, transaction

from finance.models import Statement, StatementComponentTotal, StatementTotals

TOTALS_COLUMNS = (
    "settlement_amount",
    "reserve_amount",
    "gross_sales_amount",
    "discount_amount",
    "refund_amount",
    "fee_amount",
    "shipping_amount",
    "tax_amount",
    "adjustment_amount",
    "unitemised_amount",
)
_SUMS = ", ".join(f"COALESCE(sum(t.{name}), 0)" for name in TOTALS_COLUMNS)

# `{scope}` is a condition on the statement `s` (all statements, or `s.id = ANY(%s)`).
TOTALS_SQL = f"""
    INSERT INTO finance_statementtotals (statement_id, transactions, {", ".join(TOTALS_COLUMNS)})
    SELECT s.id, count(t.id), {_SUMS}
    FROM finance_statement s
    LEFT JOIN finance_settlementtransaction t ON t.statement_id = s.id
    WHERE {{scope}}
    GROUP BY s.id
"""  # noqa: S608 - the column names above
COMPONENT_TOTALS_SQL = """
    INSERT INTO finance_statementcomponenttotal
        (statement_id, currency, component_id, amount, transactions)
    SELECT t.statement_id, t.currency, c.component_id, sum(c.amount), count(*)
    FROM finance_transactioncomponent c
    JOIN finance_settlementtransaction t ON t.id = c.transaction_id
    JOIN finance_statement s ON s.id = t.statement_id
    WHERE {scope}
    GROUP BY t.statement_id, t.currency, c.component_id
"""


def totals_rebuild(statement_ids) -> None:
    """The totals of these statements, from their transactions as they are now. The statements
    are locked first (on PostgreSQL; SQLite writes one at a time anyway), so two stores of one
    statement's pages never interleave their sums. Runs in its own transaction (joining the
    caller's when there is one), so the lock always has one to live in."""
    ids = sorted({int(pk) for pk in statement_ids})
    if not ids:
        return
    scope = f"s.id IN ({', '.join(['%s'] * len(ids))})"  # one placeholder an id: any engine
    with transaction.atomic():
        list(Statement.objects.select_for_update().filter(id__in=ids).order_by("id").values("id"))
        StatementTotals.objects.filter(statement_id__in=ids).delete()
        StatementComponentTotal.objects.filter(statement_id__in=ids).delete()
        with connection.cursor() as cursor:
            cursor.execute(TOTALS_SQL.format(scope=scope), ids)
            cursor.execute(COMPONENT_TOTALS_SQL.format(scope=scope), ids)


def totals_rebuild_all() -> None:
    """Every statement's totals anew (after a set-based load such as `seed_finance`)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM finance_statementcomponenttotal")
        cursor.execute("DELETE FROM finance_statementtotals")
        cursor.execute(TOTALS_SQL.format(scope="TRUE"))
        cursor.execute(COMPONENT_TOTALS_SQL.format(scope="TRUE"))
