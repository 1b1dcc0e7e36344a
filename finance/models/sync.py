"""How far a shop's finance data has been pulled from TikTok (tiktok.services.finance_pull)."""

from django.db import models

from accounts.models import Shop


class FinanceSync(models.Model):
    """Per shop: the watermarks of the incremental pulls (every statement before
    `statements_until` is stored; the next pull goes back an overlap from it)."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="finance_sync")
    statements_until = models.DateTimeField(null=True, blank=True)
    payments_until = models.DateTimeField(null=True, blank=True)
    withdrawals_until = models.DateTimeField(null=True, blank=True)
    unsettled_pulled_at = models.DateTimeField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_reconciled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "finance sync"

    def __str__(self) -> str:
        return f"Finance sync of {self.shop}"
