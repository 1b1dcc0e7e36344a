"""What a statement's transactions add up to, kept with them so the finance pages read one row
per statement instead of aggregating every transaction on each request
(docs/decisions.md "Finance: statement totals"). Written only by finance.services.totals, in
the transaction that changes the statement's transactions; they always equal a direct
aggregation of them."""

from django.db import models

from finance.models.catalogue import FeeComponent
from finance.models.fields import signed_money
from finance.models.statements import Statement


class StatementTotals(models.Model):
    """One statement's transactions summed: how many, their settlement and reserve, and the
    group columns (SettlementTransaction's) that add up to the settlement."""

    statement = models.OneToOneField(
        Statement, primary_key=True, on_delete=models.CASCADE, related_name="totals"
    )
    transactions = models.PositiveIntegerField(default=0)
    settlement_amount = signed_money()
    reserve_amount = signed_money()
    gross_sales_amount = signed_money()
    discount_amount = signed_money()
    refund_amount = signed_money()
    fee_amount = signed_money()
    shipping_amount = signed_money()
    tax_amount = signed_money()
    adjustment_amount = signed_money()
    unitemised_amount = signed_money()

    class Meta:
        verbose_name_plural = "statement totals"

    def __str__(self) -> str:
        return f"Totals of statement {self.statement_id}"


class StatementComponentTotal(models.Model):
    """One component summed over a statement's transactions of one currency, and in how many
    of them it occurs."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="component_totals"
    )
    currency = models.CharField(max_length=3)
    component = models.ForeignKey(FeeComponent, on_delete=models.PROTECT, related_name="+")
    amount = signed_money()
    transactions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "currency", "component"],
                name="finance_stmt_component_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.amount}"
