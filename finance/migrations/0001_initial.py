"""Statements, payments, withdrawals, settlement and unsettled transactions with their typed
components, reconciliation differences and the pull watermarks; the catalogue of transaction
types and breakdown keys written into its tables (finance.catalogue)."""

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from finance.catalogue import catalogue_sync


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0013_finance_permissions"),
        ("orders", "0019_sales_rollups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TransactionType",
            fields=[
                ("code", models.CharField(max_length=48, primary_key=True, serialize=False)),
                ("label", models.CharField(max_length=80)),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("order", "Order"),
                            ("reserve", "Reserve"),
                            ("platform", "Platform adjustment"),
                            ("logistics", "Logistics adjustment"),
                            ("other", "Other adjustment"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "known",
                    models.BooleanField(default=False, help_text="Listed in finance.catalogue."),
                ),
                ("position", models.PositiveIntegerField(default=1000)),
            ],
            options={
                "ordering": ["position", "code"],
            },
        ),
        migrations.CreateModel(
            name="FeeComponent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("revenue", "Revenue breakdown"),
                            ("shipping", "Shipping cost breakdown"),
                            ("shipping_reference", "Shipping cost, for reference"),
                            ("fee", "Fee breakdown"),
                            ("tax", "Tax breakdown"),
                            ("reference", "Supplementary, for reference"),
                            ("adjustment", "Adjustment"),
                            ("other", "Not itemised"),
                        ],
                        max_length=20,
                    ),
                ),
                ("key", models.CharField(max_length=80)),
                ("label", models.CharField(max_length=100)),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("revenue", "Gross sales"),
                            ("discount", "Seller discounts"),
                            ("refund", "Refunds"),
                            ("fee", "Fees"),
                            ("shipping", "Shipping"),
                            ("tax", "Taxes"),
                            ("adjustment", "Adjustments"),
                            ("other", "Not itemised by TikTok"),
                            ("reference", "For reference (not summed)"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "known",
                    models.BooleanField(default=False, help_text="Listed in finance.catalogue."),
                ),
                ("position", models.PositiveIntegerField(default=1000)),
            ],
            options={
                "ordering": ["position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("section", "key"), name="finance_component_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FinanceSync",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statements_until", models.DateTimeField(blank=True, null=True)),
                ("payments_until", models.DateTimeField(blank=True, null=True)),
                ("withdrawals_until", models.DateTimeField(blank=True, null=True)),
                ("unsettled_pulled_at", models.DateTimeField(blank=True, null=True)),
                ("last_pulled_at", models.DateTimeField(blank=True, null=True)),
                ("last_reconciled_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                ("last_error_at", models.DateTimeField(blank=True, null=True)),
                (
                    "shop",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="finance_sync",
                        to="accounts.shop",
                    ),
                ),
            ],
            options={
                "verbose_name": "finance sync",
            },
        ),
        migrations.CreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("payment_id", models.CharField(max_length=32, verbose_name="payment ID")),
                ("create_time", models.DateTimeField(verbose_name="created")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("PAID", "Paid"),
                            ("PROCESSING", "Processing"),
                            ("FAILED", "Failed"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="paid amount",
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "settlement_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="settlement amount",
                    ),
                ),
                ("settlement_currency", models.CharField(blank=True, max_length=3)),
                (
                    "reserve_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="reserve",
                    ),
                ),
                ("reserve_currency", models.CharField(blank=True, max_length=3)),
                (
                    "amount_before_exchange",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="amount before exchange",
                    ),
                ),
                ("amount_before_exchange_currency", models.CharField(blank=True, max_length=3)),
                (
                    "exchange_rate",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=18, null=True),
                ),
                ("paid_time", models.DateTimeField(blank=True, null=True, verbose_name="paid")),
                (
                    "bank_account",
                    models.CharField(
                        blank=True, help_text="Masked by TikTok (the last 4 digits).", max_length=40
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("api", "TikTok Shop API"),
                            ("file", "Seller Center finance file"),
                        ],
                        default="api",
                        max_length=4,
                    ),
                ),
                ("raw", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="finance_payments",
                        to="accounts.shop",
                    ),
                ),
            ],
            options={
                "ordering": ["-create_time", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Statement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "statement_id",
                    models.CharField(blank=True, max_length=32, verbose_name="statement ID"),
                ),
                (
                    "statement_time",
                    models.DateTimeField(help_text="00:00 UTC of the statement day."),
                ),
                ("statement_date", models.DateField(help_text="The statement's UTC day.")),
                ("currency", models.CharField(max_length=3)),
                (
                    "settlement_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "revenue_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "fee_tax_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="fees and taxes",
                    ),
                ),
                (
                    "shipping_cost_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "adjustment_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "net_sales_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        null=True,
                    ),
                ),
                (
                    "reserve_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        help_text="+ released, − withheld.",
                        max_digits=16,
                    ),
                ),
                (
                    "payable_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        default=Decimal("0.00"),
                        help_text="Settlement plus reserve.",
                        max_digits=16,
                        null=True,
                    ),
                ),
                (
                    "payment_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("PAID", "Paid"),
                            ("PROCESSING", "Processing"),
                            ("FAILED", "Failed"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "tiktok_payment_id",
                    models.CharField(blank=True, max_length=32, verbose_name="payment ID"),
                ),
                ("payment_time", models.DateTimeField(blank=True, null=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("api", "TikTok Shop API"),
                            ("file", "Seller Center finance file"),
                        ],
                        default="api",
                        max_length=4,
                    ),
                ),
                ("transactions_expected", models.PositiveIntegerField(blank=True, null=True)),
                ("transactions_pulled_at", models.DateTimeField(blank=True, null=True)),
                ("reconciled_at", models.DateTimeField(blank=True, null=True)),
                ("raw", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "payment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="statements",
                        to="finance.payment",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="finance_statements",
                        to="accounts.shop",
                    ),
                ),
            ],
            options={
                "ordering": ["-statement_time", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SettlementTransaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("transaction_id", models.CharField(max_length=64, verbose_name="transaction ID")),
                (
                    "order_tiktok_id",
                    models.CharField(blank=True, max_length=32, verbose_name="TikTok order ID"),
                ),
                (
                    "adjustment_id",
                    models.CharField(blank=True, max_length=32, verbose_name="adjustment ID"),
                ),
                (
                    "reserve_id",
                    models.CharField(blank=True, max_length=32, verbose_name="reserve ID"),
                ),
                ("reserve_status", models.CharField(blank=True, max_length=12)),
                ("estimated_release_time", models.DateTimeField(blank=True, null=True)),
                ("order_create_time", models.DateTimeField(blank=True, null=True)),
                ("currency", models.CharField(max_length=3)),
                (
                    "settlement_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "revenue_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "shipping_cost_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "fee_tax_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="fees and taxes",
                    ),
                ),
                (
                    "adjustment_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "reserve_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        help_text="+ released, − withheld.",
                        max_digits=16,
                    ),
                ),
                (
                    "gross_sales_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "discount_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="seller discounts",
                    ),
                ),
                (
                    "refund_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="refunds",
                    ),
                ),
                (
                    "fee_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="fees",
                    ),
                ),
                (
                    "shipping_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="shipping",
                    ),
                ),
                (
                    "tax_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="taxes",
                    ),
                ),
                (
                    "unitemised_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="not itemised",
                    ),
                ),
                ("breakdown", models.JSONField(blank=True, default=dict)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("api", "TikTok Shop API"),
                            ("file", "Seller Center finance file"),
                        ],
                        default="api",
                        max_length=4,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="settlement_transactions",
                        to="orders.order",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.shop",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transactions",
                        to="finance.statement",
                    ),
                ),
                (
                    "type",
                    models.ForeignKey(
                        db_column="type",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="finance.transactiontype",
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "order_create_time", "id"],
            },
        ),
        migrations.CreateModel(
            name="Difference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=120)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("unknown_order", "Settlement without a known order"),
                            ("never_settled", "Delivered long ago and never settled"),
                            ("amount_differs", "Amount differs from the order"),
                            ("currency_mismatch", "Currency differs from the order"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "—"),
                            ("refund_not_reflected", "Refund not reflected"),
                            ("unexpected_fee", "Unexpected fee"),
                            ("adjustment", "Adjustment"),
                            ("other", "Revenue differs"),
                        ],
                        default="",
                        max_length=24,
                    ),
                ),
                (
                    "order_tiktok_id",
                    models.CharField(blank=True, max_length=32, verbose_name="TikTok order ID"),
                ),
                ("currency", models.CharField(blank=True, max_length=3)),
                (
                    "expected_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        null=True,
                    ),
                ),
                (
                    "actual_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        null=True,
                    ),
                ),
                ("sentence", models.TextField(help_text="What differs, in words.")),
                ("facts", models.CharField(help_text="Digest of what was found.", max_length=64)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("explained", "Explained"),
                            ("resolved", "Resolved"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("explained_at", models.DateTimeField(blank=True, null=True)),
                ("note", models.TextField(blank=True)),
                ("explained_facts", models.CharField(blank=True, max_length=64)),
                ("found_at", models.DateTimeField()),
                (
                    "checked_at",
                    models.DateTimeField(help_text="The reconciliation that last saw it."),
                ),
                (
                    "explained_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orders.order",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="finance_differences",
                        to="accounts.shop",
                    ),
                ),
                (
                    "transaction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="differences",
                        to="finance.settlementtransaction",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="differences",
                        to="finance.statement",
                    ),
                ),
            ],
            options={
                "ordering": ["-found_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TransactionComponent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "component",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="finance.feecomponent",
                    ),
                ),
                (
                    "transaction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="components",
                        to="finance.settlementtransaction",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TransactionSku",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "order_tiktok_id",
                    models.CharField(max_length=32, verbose_name="TikTok order ID"),
                ),
                ("sku_id", models.CharField(max_length=32, verbose_name="SKU ID")),
                ("sku_name", models.CharField(blank=True, max_length=255)),
                ("product_name", models.CharField(blank=True, max_length=255)),
                ("quantity", models.PositiveIntegerField(default=0)),
                ("currency", models.CharField(max_length=3)),
                (
                    "settlement_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "revenue_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "shipping_cost_amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                (
                    "fee_tax_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="fees and taxes",
                    ),
                ),
                ("breakdown", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orders.order",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.shop",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sku_transactions",
                        to="finance.statement",
                    ),
                ),
            ],
            options={
                "verbose_name": "transaction SKU",
            },
        ),
        migrations.CreateModel(
            name="UnsettledTransaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("transaction_id", models.CharField(max_length=64, verbose_name="transaction ID")),
                (
                    "order_tiktok_id",
                    models.CharField(blank=True, max_length=32, verbose_name="TikTok order ID"),
                ),
                (
                    "adjustment_id",
                    models.CharField(blank=True, max_length=32, verbose_name="adjustment ID"),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "est_settlement_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="estimated settlement",
                    ),
                ),
                (
                    "est_revenue_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="estimated revenue",
                    ),
                ),
                (
                    "est_shipping_cost_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="estimated shipping cost",
                    ),
                ),
                (
                    "est_fee_tax_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="estimated fees and taxes",
                    ),
                ),
                (
                    "est_adjustment_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=16,
                        verbose_name="estimated adjustment",
                    ),
                ),
                ("estimated_settlement_time", models.DateTimeField(blank=True, null=True)),
                ("estimated_settlement_text", models.CharField(blank=True, max_length=120)),
                ("unsettled_reason", models.CharField(blank=True, max_length=255)),
                ("order_create_time", models.DateTimeField(blank=True, null=True)),
                ("order_delivery_time", models.DateTimeField(blank=True, null=True)),
                ("breakdown", models.JSONField(blank=True, default=dict)),
                ("seen_at", models.DateTimeField(help_text="The pull that last listed it.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="unsettled_transactions",
                        to="orders.order",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.shop",
                    ),
                ),
                (
                    "type",
                    models.ForeignKey(
                        db_column="type",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="finance.transactiontype",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Withdrawal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("withdrawal_id", models.CharField(max_length=32, verbose_name="withdrawal ID")),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("WITHDRAW", "Withdrawal"),
                            ("SETTLE", "Settlement"),
                            ("TRANSFER", "Transfer"),
                            ("REVERSE", "Reversal"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=16),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("PROCESSING", "Processing"),
                            ("SUCCESS", "Succeeded"),
                            ("FAILED", "Failed"),
                        ],
                        max_length=12,
                    ),
                ),
                ("create_time", models.DateTimeField(verbose_name="created")),
                ("raw", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="finance_withdrawals",
                        to="accounts.shop",
                    ),
                ),
            ],
            options={
                "ordering": ["-create_time", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["shop", "-create_time"], name="finance_pay_shop_time_idx"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                fields=("shop", "payment_id"), name="finance_payment_unique_shop_id"
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                fields=["shop", "-statement_time"], name="finance_stmt_shop_time_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["payment"], name="finance_stmt_payment_idx"),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("statement_id", ""), _negated=True),
                fields=("shop", "statement_id"),
                name="finance_statement_unique_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.UniqueConstraint(
                fields=("shop", "statement_date", "currency"), name="finance_statement_one_a_day"
            ),
        ),
        migrations.AddIndex(
            model_name="difference",
            index=models.Index(
                fields=["shop", "status", "kind"], name="finance_diff_shop_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="difference",
            index=models.Index(fields=["statement"], name="finance_diff_statement_idx"),
        ),
        migrations.AddIndex(
            model_name="difference",
            index=models.Index(fields=["order"], name="finance_diff_order_idx"),
        ),
        migrations.AddConstraint(
            model_name="difference",
            constraint=models.UniqueConstraint(
                fields=("shop", "key"), name="finance_difference_unique_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="difference",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "explained"), _negated=True),
                    ("explained_at__isnull", False),
                    _connector="OR",
                ),
                name="finance_difference_explained_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="transactioncomponent",
            constraint=models.UniqueConstraint(
                fields=("transaction", "component"), name="finance_txn_component_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="transactionsku",
            index=models.Index(fields=["order"], name="finance_sku_order_idx"),
        ),
        migrations.AddConstraint(
            model_name="transactionsku",
            constraint=models.UniqueConstraint(
                fields=("shop", "order_tiktok_id", "sku_id", "statement"), name="finance_sku_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="settlementtransaction",
            index=models.Index(fields=["statement", "type"], name="finance_txn_statement_idx"),
        ),
        migrations.AddIndex(
            model_name="settlementtransaction",
            index=models.Index(
                fields=["shop", "order_tiktok_id"], name="finance_txn_shop_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="settlementtransaction",
            index=models.Index(fields=["order"], name="finance_txn_order_idx"),
        ),
        migrations.AddIndex(
            model_name="settlementtransaction",
            index=models.Index(
                condition=models.Q(
                    ("order__isnull", True), models.Q(("order_tiktok_id", ""), _negated=True)
                ),
                fields=["shop", "statement"],
                name="finance_txn_unmatched_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="settlementtransaction",
            constraint=models.UniqueConstraint(
                fields=("shop", "transaction_id"), name="finance_txn_unique_shop_id"
            ),
        ),
        migrations.AddIndex(
            model_name="unsettledtransaction",
            index=models.Index(
                fields=["shop", "order_tiktok_id"], name="finance_unsettled_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="unsettledtransaction",
            index=models.Index(fields=["order"], name="finance_unsettled_ord_fk_idx"),
        ),
        migrations.AddConstraint(
            model_name="unsettledtransaction",
            constraint=models.UniqueConstraint(
                fields=("shop", "transaction_id"), name="finance_unsettled_unique_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="withdrawal",
            constraint=models.UniqueConstraint(
                fields=("shop", "withdrawal_id"), name="finance_withdrawal_unique_id"
            ),
        ),
        migrations.RunPython(catalogue_sync, migrations.RunPython.noop),
    ]
