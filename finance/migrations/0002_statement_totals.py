"""Statement totals: what each statement's transactions add up to, and each component per
statement and currency, so the finance pages stop aggregating every transaction per request;
filled for the statements stored already, set-based (the SQL of finance.services.totals as
of this migration)."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

FILL_TOTALS = """
    INSERT INTO finance_statementtotals (
        statement_id, transactions, settlement_amount, reserve_amount, gross_sales_amount,
        discount_amount, refund_amount, fee_amount, shipping_amount, tax_amount,
        adjustment_amount, unitemised_amount
    )
    SELECT s.id, count(t.id), COALESCE(sum(t.settlement_amount), 0),
        COALESCE(sum(t.reserve_amount), 0), COALESCE(sum(t.gross_sales_amount), 0),
        COALESCE(sum(t.discount_amount), 0), COALESCE(sum(t.refund_amount), 0),
        COALESCE(sum(t.fee_amount), 0), COALESCE(sum(t.shipping_amount), 0),
        COALESCE(sum(t.tax_amount), 0), COALESCE(sum(t.adjustment_amount), 0),
        COALESCE(sum(t.unitemised_amount), 0)
    FROM finance_statement s
    LEFT JOIN finance_settlementtransaction t ON t.statement_id = s.id
    GROUP BY s.id
"""
FILL_COMPONENT_TOTALS = """
    INSERT INTO finance_statementcomponenttotal
        (statement_id, currency, component_id, amount, transactions)
    SELECT t.statement_id, t.currency, c.component_id, sum(c.amount), count(*)
    FROM finance_transactioncomponent c
    JOIN finance_settlementtransaction t ON t.id = c.transaction_id
    GROUP BY t.statement_id, t.currency, c.component_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatementTotals",
            fields=[
                (
                    "statement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="totals",
                        serialize=False,
                        to="finance.statement",
                    ),
                ),
                ("transactions", models.PositiveIntegerField(default=0)),
                (
                    "settlement_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "reserve_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "gross_sales_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "discount_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "refund_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "fee_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "shipping_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "tax_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "adjustment_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "unitemised_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
            ],
            options={
                "verbose_name_plural": "statement totals",
            },
        ),
        migrations.CreateModel(
            name="StatementComponentTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                ("transactions", models.PositiveIntegerField(default=0)),
                (
                    "component",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="finance.feecomponent",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="component_totals",
                        to="finance.statement",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("statement", "currency", "component"),
                        name="finance_stmt_component_unique",
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL_TOTALS, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_COMPONENT_TOTALS, migrations.RunSQL.noop),
    ]
