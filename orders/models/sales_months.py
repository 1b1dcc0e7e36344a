"""Monthly sales roll-ups: each daily roll-up (orders/models/sales_rollups.py) summed over the
local days of one calendar month in the shop's zone, so that a long period reads one row per
month for its whole months and the daily rows only for the days at its edges
(docs/insights.md "Monthly roll-ups"). `day` is the month's first day. They are computed from
the daily rows whenever those are (orders/services/sales_rollup_months.py), in the same
transaction, so a month holds exactly the sum of its days.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from orders.models.sales_rollups import (
    LineSums,
    SalesDay,
    SalesDaySku,
    SalesTotals,
    SkuDay,
    SkuDayRegion,
    SkuDayWith,
)

MONTH_HELP = "The first day of the local month in the shop's zone."


class SalesMonth(SalesTotals):
    """SalesDay's rows of one month, summed per currency and destination."""

    day = models.DateField(help_text=MONTH_HELP)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "region_code", "state"],
                name="sales_month_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.region_code} {self.state}: {self.orders}"


class SalesMonthSku(SalesTotals):
    """SalesDaySku's rows of one month, summed per currency, value and destination."""

    day = models.DateField(help_text=MONTH_HELP)
    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "value", "day", "region_code", "state"],
                name="sales_month_sku_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.value} {self.region_code} {self.state}: {self.orders}"


class SkuMonth(LineSums):
    """SkuDay's rows of one month, summed per currency and SKU."""

    day = models.DateField(help_text=MONTH_HELP)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "sku_id", "product_id"],
                name="sku_month_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.sku_id}: {self.units}"


class SkuMonthRegion(LineSums):
    """SkuDayRegion's rows of one month, summed per currency, destination and SKU."""

    day = models.DateField(help_text=MONTH_HELP)
    region_code = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "region_code", "state", "sku_id", "product_id"],
                name="sku_month_region_unique",
            )
        ]
        indexes = [
            models.Index(
                F("shop"),
                F("currency"),
                Upper("state"),
                F("day"),
                name="sku_month_region_state_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.state} {self.sku_id}: {self.units}"


class SkuMonthWith(LineSums):
    """SkuDayWith's rows of one month, summed per currency, value and SKU."""

    day = models.DateField(help_text=MONTH_HELP)
    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "value", "day", "sku_id", "product_id"],
                name="sku_month_with_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.value} {self.sku_id}: {self.units}"


# Each daily roll-up → the monthly one that sums its days.
MONTHLY = {
    SalesDay: SalesMonth,
    SalesDaySku: SalesMonthSku,
    SkuDay: SkuMonth,
    SkuDayRegion: SkuMonthRegion,
    SkuDayWith: SkuMonthWith,
}
