"""What TikTok pays a shop (docs/tiktok.md "Finance"): daily statements, the payments that
pay them and the withdrawals from the seller's TikTok balance."""

from django.db import models
from django.db.models import Q

from accounts.models import Shop
from finance.models.fields import Source, signed_money


class PaymentStatus(models.TextChoices):
    PAID = "PAID", "Paid"
    PROCESSING = "PROCESSING", "Processing"
    FAILED = "FAILED", "Failed"


class Payment(models.Model):
    """One payout to the seller's bank account (Get Payments); usually one per statement."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="finance_payments")
    payment_id = models.CharField("payment ID", max_length=32)
    create_time = models.DateTimeField("created")
    status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    # `amount`: what reaches the bank, after exchange; `settlement_amount`: before exchange.
    amount = signed_money("paid amount")
    currency = models.CharField(max_length=3)
    settlement_amount = signed_money("settlement amount")
    settlement_currency = models.CharField(max_length=3, blank=True)
    reserve_amount = signed_money("reserve")
    reserve_currency = models.CharField(max_length=3, blank=True)
    amount_before_exchange = signed_money("amount before exchange")
    amount_before_exchange_currency = models.CharField(max_length=3, blank=True)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    paid_time = models.DateTimeField("paid", null=True, blank=True)  # TikTok sends 0 until paid
    bank_account = models.CharField(
        max_length=40, blank=True, help_text="Masked by TikTok (the last 4 digits)."
    )
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.API)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-create_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "payment_id"], name="finance_payment_unique_shop_id"
            ),
        ]
        indexes = [models.Index(fields=["shop", "-create_time"], name="finance_pay_shop_time_idx")]

    def __str__(self) -> str:
        return f"Payment {self.payment_id}"


class Statement(models.Model):
    """One shop's statement of one UTC day (00:00–24:00 UTC), in one currency.

    Amounts are TikTok's, signed (costs negative), stored exactly as returned. `statement_id`
    is empty only for a statement known from a finance file that names no statement; the API's
    statement of the same day and currency then takes it over (unique by day and currency).
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="finance_statements")
    statement_id = models.CharField("statement ID", max_length=32, blank=True)
    statement_time = models.DateTimeField(help_text="00:00 UTC of the statement day.")
    statement_date = models.DateField(help_text="The statement's UTC day.")
    currency = models.CharField(max_length=3)
    settlement_amount = signed_money()
    revenue_amount = signed_money()
    # Get Statements' `fee_amount` (excludes shipping except for SEA local sellers); the
    # statement's transactions give `total_fee_tax_amount`, which replaces it once read.
    fee_tax_amount = signed_money("fees and taxes")
    shipping_cost_amount = signed_money()
    adjustment_amount = signed_money()
    net_sales_amount = signed_money(null=True, blank=True)  # US/UK local sellers only
    reserve_amount = signed_money(help_text="+ released, − withheld.")
    payable_amount = signed_money(null=True, blank=True, help_text="Settlement plus reserve.")
    payment_status = models.CharField(max_length=12, choices=PaymentStatus.choices, blank=True)
    tiktok_payment_id = models.CharField("payment ID", max_length=32, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    payment_time = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.API)
    # Get Transactions by Statement's `total_count`, and when all pages were last stored.
    transactions_expected = models.PositiveIntegerField(null=True, blank=True)
    transactions_pulled_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-statement_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "statement_id"],
                condition=~Q(statement_id=""),
                name="finance_statement_unique_id",
            ),
            models.UniqueConstraint(
                fields=["shop", "statement_date", "currency"], name="finance_statement_one_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-statement_time"], name="finance_stmt_shop_time_idx"),
            models.Index(fields=["payment"], name="finance_stmt_payment_idx"),
        ]

    def __str__(self) -> str:
        return f"Statement {self.statement_date:%Y-%m-%d} ({self.statement_id or 'from a file'})"


class Withdrawal(models.Model):
    """A movement of the seller's TikTok balance (Get Withdrawals `types`)."""

    class Type(models.TextChoices):
        WITHDRAW = "WITHDRAW", "Withdrawal"
        SETTLE = "SETTLE", "Settlement"
        TRANSFER = "TRANSFER", "Transfer"
        REVERSE = "REVERSE", "Reversal"

    class Status(models.TextChoices):
        PROCESSING = "PROCESSING", "Processing"
        SUCCESS = "SUCCESS", "Succeeded"
        FAILED = "FAILED", "Failed"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="finance_withdrawals")
    withdrawal_id = models.CharField("withdrawal ID", max_length=32)
    type = models.CharField(max_length=12, choices=Type.choices)
    amount = signed_money()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices)
    create_time = models.DateTimeField("created")
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-create_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "withdrawal_id"], name="finance_withdrawal_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.withdrawal_id}"
