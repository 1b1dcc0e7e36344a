"""What reconciliation found that does not match (finance.services.reconcile), for an
accountant to explain.

A difference is identified by its natural `key` within the shop (the kind and the TikTok ids it
concerns, e.g. `unknown_order:<transaction id>`), so re-running reconciliation updates the row
instead of adding one. `facts` is a digest of what it found (amounts, currencies, sub-reason):
an explained difference stays explained while its facts stay the same, and is opened again
when they change. One that no longer holds (the order arrived, the settlement came) is
resolved.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Shop
from finance.models.fields import signed_money
from finance.models.statements import Statement
from finance.models.transactions import SettlementTransaction
from orders.models import Order


class DifferenceKind(models.TextChoices):
    UNKNOWN_ORDER = "unknown_order", "Settlement without a known order"
    NEVER_SETTLED = "never_settled", "Delivered long ago and never settled"
    AMOUNT_DIFFERS = "amount_differs", "Amount differs from the order"
    CURRENCY_MISMATCH = "currency_mismatch", "Currency differs from the order"


class DifferenceReason(models.TextChoices):
    """Why an amount differs (kind AMOUNT_DIFFERS)."""

    NONE = "", "—"
    REFUND_NOT_REFLECTED = "refund_not_reflected", "Refund not reflected"
    UNEXPECTED_FEE = "unexpected_fee", "Unexpected fee"
    ADJUSTMENT = "adjustment", "Adjustment"
    OTHER = "other", "Revenue differs"


class DifferenceStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXPLAINED = "explained", "Explained"
    RESOLVED = "resolved", "Resolved"


class Difference(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="finance_differences")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=DifferenceKind.choices)
    reason = models.CharField(
        max_length=24, choices=DifferenceReason.choices, blank=True, default=""
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="differences"
    )
    transaction = models.ForeignKey(
        SettlementTransaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="differences",
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_tiktok_id = models.CharField("TikTok order ID", max_length=32, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    expected_amount = signed_money(null=True, blank=True, default=None)
    actual_amount = signed_money(null=True, blank=True, default=None)
    sentence = models.TextField(help_text="What differs, in words.")
    facts = models.CharField(max_length=64, help_text="Digest of what was found.")
    status = models.CharField(
        max_length=10, choices=DifferenceStatus.choices, default=DifferenceStatus.OPEN
    )
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The facts the explanation was given for (a change of facts opens the difference again).
    explained_facts = models.CharField(max_length=64, blank=True)
    found_at = models.DateTimeField()
    checked_at = models.DateTimeField(help_text="The reconciliation that last saw it.")

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "key"], name="finance_difference_unique_key"),
            models.CheckConstraint(
                condition=~Q(status="explained") | Q(explained_at__isnull=False),
                name="finance_difference_explained_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "kind"], name="finance_diff_shop_status_idx"),
            # The work list: a shop's differences of a status, newest first, a page at a time.
            models.Index(
                fields=["shop", "status", "-found_at", "-id"], name="finance_diff_worklist_idx"
            ),
            models.Index(fields=["statement"], name="finance_diff_statement_idx"),
            models.Index(fields=["order"], name="finance_diff_order_idx"),
        ]

    def __str__(self) -> str:
        return self.sentence
