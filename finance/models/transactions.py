"""What a statement settled, transaction by transaction (Get Transactions by Statement,
docs/tiktok.md "Finance"): orders, reserves and adjustments, each with every fee as its own
typed amount (`TransactionComponent`); an order's SKU rows (Get Transactions by Order); and
what is still to settle (Get Unsettled Transactions), kept apart.

Signs are TikTok's: income positive, costs negative; a transaction's settlement is the sum of
its components (docs/decisions.md "Finance: signs and sums"). `settlement_amount` is stored
exactly as returned; `unitemised_amount` is whatever it holds beyond its components, so the
groups always add up to it to the cent.
"""

from django.db import models
from django.db.models import Q

from accounts.models import Shop
from finance.models.catalogue import FeeComponent, TransactionType
from finance.models.fields import Source, signed_money
from finance.models.statements import Statement
from orders.models import Order


class SettlementTransaction(models.Model):
    """One settled transaction of a statement.

    `order_tiktok_id` is the TikTok order it concerns (`order_id`, an adjustment's
    `adjustment_order_id` or a reserve's `associated_order_id`), kept as text; `order` is our
    order when one matches (reconciliation sets it). A transaction for an order we do not hold
    is kept with `order` empty and shows up as a difference, never dropped.

    `transaction_id` is TikTok's `id`; a row from a finance file that gives none carries
    `file:<type>:<order or adjustment id>`, and the API's row for the same statement, type and
    reference takes it over.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="transactions")
    transaction_id = models.CharField("transaction ID", max_length=64)
    type = models.ForeignKey(
        TransactionType, on_delete=models.PROTECT, db_column="type", related_name="+"
    )
    order_tiktok_id = models.CharField("TikTok order ID", max_length=32, blank=True)
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="settlement_transactions",
    )
    adjustment_id = models.CharField("adjustment ID", max_length=32, blank=True)
    reserve_id = models.CharField("reserve ID", max_length=32, blank=True)
    reserve_status = models.CharField(max_length=12, blank=True)  # COLLECTED / RELEASED
    estimated_release_time = models.DateTimeField(null=True, blank=True)
    order_create_time = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)

    # TikTok's amounts, exactly as returned.
    settlement_amount = signed_money()
    revenue_amount = signed_money()
    shipping_cost_amount = signed_money()
    fee_tax_amount = signed_money("fees and taxes")
    adjustment_amount = signed_money()
    reserve_amount = signed_money(help_text="+ released, − withheld.")

    # The components summed by group (finance.catalogue.Group), written with the components:
    # they add up to settlement_amount exactly.
    gross_sales_amount = signed_money()
    discount_amount = signed_money("seller discounts")
    refund_amount = signed_money("refunds")
    fee_amount = signed_money("fees")
    shipping_amount = signed_money("shipping")
    tax_amount = signed_money("taxes")
    unitemised_amount = signed_money("not itemised")

    # TikTok's breakdown objects as sent (revenue_breakdown, shipping_cost_breakdown,
    # fee_tax_breakdown, supplementary_component), unknown keys included.
    breakdown = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.API)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["statement", "order_create_time", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "transaction_id"], name="finance_txn_unique_shop_id"
            ),
        ]
        indexes = [
            models.Index(fields=["statement", "type"], name="finance_txn_statement_idx"),
            models.Index(fields=["shop", "order_tiktok_id"], name="finance_txn_shop_order_idx"),
            models.Index(fields=["order"], name="finance_txn_order_idx"),
            models.Index(
                fields=["shop", "statement"],
                name="finance_txn_unmatched_idx",
                condition=Q(order__isnull=True) & ~Q(order_tiktok_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_id} {self.order_tiktok_id or self.adjustment_id or self.reserve_id}"


class TransactionComponent(models.Model):
    """One typed amount of a transaction: a breakdown key and its signed amount."""

    transaction = models.ForeignKey(
        SettlementTransaction, on_delete=models.CASCADE, related_name="components"
    )
    component = models.ForeignKey(FeeComponent, on_delete=models.PROTECT, related_name="+")
    amount = signed_money()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "component"], name="finance_txn_component_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.amount}"


class TransactionSku(models.Model):
    """An order's settlement per SKU in one statement (Get Transactions by Order
    `sku_transactions[]`), keyed by (order, SKU, statement)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="sku_transactions"
    )
    order_tiktok_id = models.CharField("TikTok order ID", max_length=32)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku_id = models.CharField("SKU ID", max_length=32)
    sku_name = models.CharField(max_length=255, blank=True)
    product_name = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    settlement_amount = signed_money()
    revenue_amount = signed_money()
    shipping_cost_amount = signed_money()
    fee_tax_amount = signed_money("fees and taxes")
    breakdown = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "transaction SKU"
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "order_tiktok_id", "sku_id", "statement"],
                name="finance_sku_unique",
            ),
        ]
        indexes = [models.Index(fields=["order"], name="finance_sku_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_tiktok_id} SKU {self.sku_id}"


class UnsettledTransaction(models.Model):
    """What TikTok estimates it will settle (Get Unsettled Transactions): estimates only,
    never summed with settled amounts. A pull replaces the shop's set: a transaction that has
    settled is no longer listed and its row goes."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    transaction_id = models.CharField("transaction ID", max_length=64)
    type = models.ForeignKey(
        TransactionType, on_delete=models.PROTECT, db_column="type", related_name="+"
    )
    order_tiktok_id = models.CharField("TikTok order ID", max_length=32, blank=True)
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unsettled_transactions",
    )
    adjustment_id = models.CharField("adjustment ID", max_length=32, blank=True)
    currency = models.CharField(max_length=3)
    est_settlement_amount = signed_money("estimated settlement")
    est_revenue_amount = signed_money("estimated revenue")
    est_shipping_cost_amount = signed_money("estimated shipping cost")
    est_fee_tax_amount = signed_money("estimated fees and taxes")
    est_adjustment_amount = signed_money("estimated adjustment")
    # `estimated_settlement` is a timestamp or words such as "x days after delivery".
    estimated_settlement_time = models.DateTimeField(null=True, blank=True)
    estimated_settlement_text = models.CharField(max_length=120, blank=True)
    unsettled_reason = models.CharField(max_length=255, blank=True)
    order_create_time = models.DateTimeField(null=True, blank=True)
    order_delivery_time = models.DateTimeField(null=True, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    seen_at = models.DateTimeField(help_text="The pull that last listed it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "transaction_id"], name="finance_unsettled_unique_id"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "order_tiktok_id"], name="finance_unsettled_order_idx"),
            models.Index(fields=["order"], name="finance_unsettled_ord_fk_idx"),
        ]

    def __str__(self) -> str:
        return f"Unsettled {self.type_id} {self.order_tiktok_id or self.adjustment_id}"
