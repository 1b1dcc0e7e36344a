"""The columns finance rows share: signed money, and where a row came from."""

from decimal import Decimal

from django.db import models

ZERO = Decimal("0.00")


def signed_money(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    """An amount in the row's currency, signed as TikTok gives it (costs negative)."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


class Source(models.TextChoices):
    API = "api", "TikTok Shop API"
    FILE = "file", "Seller Center finance file"
