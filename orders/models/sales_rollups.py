"""Daily sales roll-ups: the paid orders of one shop's local day, summed, so that the insights
page reads a few thousand rows for a year instead of every order (docs/insights.md "Daily
roll-ups"). They hold exactly what the direct aggregation of orders.selectors.sales would
compute, per day and destination (`SalesDay`), the same for the orders with one SKU
(`SalesDaySku`), and per day and SKU (`SkuDay`; by destination `SkuDayRegion`, for the orders
with one SKU `SkuDayWith`); the services that change orders mark the days
they touch (`SalesDayDirty`) and recompute them after commit (orders/services/sales_rollups.py).
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from accounts.models import Shop


def _total(verbose_name: str | None = None) -> models.DecimalField:
    """A sum of amounts (a day's orders), wider than one order's."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, default=0)


class SalesTotals(models.Model):
    """What a roll-up row sums of a set of paid orders (abstract)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The local day in the shop's zone.")
    currency = models.CharField(max_length=3)
    region_code = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=120, blank=True)
    orders = models.PositiveIntegerField(default=0)  # paid, cancelled included
    cancelled = models.PositiveIntegerField(default=0)
    # Everything below counts the kept (not cancelled) orders only.
    units = models.PositiveIntegerField(default=0)
    gross_sales = _total()
    seller_discount = _total()
    shipping_fee_seller_discount = _total()
    platform_discount = _total()
    shipping_fee_platform_discount = _total()
    shipping = _total()
    tax = _total()
    retail_delivery_fee = _total()
    refunds = _total()
    net_sales = _total()
    returned = models.PositiveIntegerField(default=0)
    shipped = models.PositiveIntegerField(default=0)  # with a ship-by deadline
    shipped_late = models.PositiveIntegerField(default=0)
    # The status funnel, by current status, over all paid orders (kept or not).
    funnel_shipped = models.PositiveIntegerField(default=0)
    funnel_delivered = models.PositiveIntegerField(default=0)
    funnel_completed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SalesDay(SalesTotals):
    """A shop's paid orders created on one local day, in one currency, to one destination."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "region_code", "state"],
                name="sales_day_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.state}: {self.orders}"


class SalesDaySku(SalesTotals):
    """As SalesDay, for the orders with a line whose SKU ID or seller SKU is `value`: what the
    list's `sku` filter selects. An order counts once per value its lines carry."""

    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "value", "day", "region_code", "state"],
                name="sales_day_sku_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.value} {self.region_code} {self.state}: {self.orders}"


class LineSums(models.Model):
    """What a line roll-up row sums of the kept paid orders' lines of one SKU (abstract)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    sku_id = models.CharField(max_length=32)
    product_id = models.CharField(max_length=32, blank=True)
    units = models.PositiveIntegerField(default=0)
    sales = _total()
    refunded_units = models.PositiveIntegerField(default=0)
    # The greatest of the day's lines, so that the greatest over days is that of all lines.
    product_name = models.CharField(max_length=255)
    variation = models.CharField(max_length=120, blank=True)
    seller_sku = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class SkuDay(LineSums):
    """The lines of a shop's kept paid orders created on one local day, per SKU."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "sku_id", "product_id"],
                name="sku_day_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.sku_id}: {self.units}"


class SkuDayRegion(LineSums):
    """As SkuDay, per destination of the orders too (for the state and country filters)."""

    region_code = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "day", "region_code", "state", "sku_id", "product_id"],
                name="sku_day_region_unique",
            )
        ]
        # The state filter matches letter case aside (UPPER(state) = UPPER(value)).
        indexes = [
            models.Index(
                F("shop"), F("currency"), Upper("state"), F("day"), name="sku_day_region_state_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.state} {self.sku_id}: {self.units}"


class SkuDayWith(LineSums):
    """As SkuDay, over the orders with a line whose SKU ID or seller SKU is `value` (for the
    `sku` filter: every line of those orders, that SKU's and the others')."""

    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "value", "day", "sku_id", "product_id"],
                name="sku_day_with_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.value} {self.sku_id}: {self.units}"


class SalesDayDirty(models.Model):
    """A shop's local day whose orders changed and whose roll-ups are not recomputed yet."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "day"], name="sales_day_dirty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day}"
