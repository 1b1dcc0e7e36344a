"""What the sales selectors take and give: the scope of an insights request and the rows of
each breakdown. Every selector of the insights page (figures, days, products, regions, funnel)
answers for a `SalesScope` and whole local days [first, after), the same way whether it reads
the orders directly or the daily roll-ups."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from orders.models import Order
from orders.money import to_money
from orders.periods import local_midnight
from orders.statuses import OrderStatus


@dataclass(frozen=True)
class SalesScope:
    orders: QuerySet[Order]  # scoped to the user's shops, the list's FilterSet applied, no dates
    shops: tuple  # the shops shown that sell in `currency`
    currency: str
    filters: frozenset[str]  # the order list parameters in use, by name (e.g. {"state"})
    # The FilterSet's cleaned values of the filters the daily roll-ups apply themselves
    # ("state", "country"), by name: what it applied to `orders`.
    filter_values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Answers already read for this scope (one request): the sections ask for the same
    # periods' roll-up sums and waiting days more than once.
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def in_period(self, first: date, after: date) -> QuerySet[Order]:
        """The paid orders of the currency created on days first..after-1, each day read in
        its shop's zone (a day across a DST change has 23 or 25 hours)."""
        if not self.shops:
            return self.orders.none()
        per_shop = Q()
        for shop in self.shops:
            per_shop |= Q(
                shop=shop.pk,
                create_time__gte=local_midnight(first, shop.zone),
                create_time__lt=local_midnight(after, shop.zone),
            )
        return self.orders.filter(per_shop, currency=self.currency).exclude(
            status=OrderStatus.UNPAID
        )


@dataclass(frozen=True)
class SalesFigures:
    orders: int
    cancelled: int
    units: int
    gross_sales: Decimal
    seller_discounts: Decimal
    platform_discounts: Decimal
    shipping: Decimal
    taxes: Decimal
    refunds: Decimal
    returned: int
    shipped: int
    shipped_late: int

    @property
    def kept(self) -> int:
        return self.orders - self.cancelled

    @property
    def net_sales(self) -> Decimal:
        return self.gross_sales - self.seller_discounts - self.platform_discounts - self.refunds

    @property
    def average_order_value(self) -> Decimal | None:
        return to_money(self.net_sales / self.kept) if self.kept else None

    @property
    def cancellation_rate(self) -> float | None:
        return self.cancelled / self.orders if self.orders else None

    @property
    def return_rate(self) -> float | None:
        return self.returned / self.kept if self.kept else None

    @property
    def late_rate(self) -> float | None:
        return self.shipped_late / self.shipped if self.shipped else None


@dataclass(frozen=True)
class DayTotals:
    """One local day: paid orders created (cancelled included), and net sales of those kept."""

    day: date
    orders: int
    net_sales: Decimal


@dataclass(frozen=True)
class LineTotals:
    """One SKU (key: sku_id) or one product (key: product_id) over the kept orders."""

    key: str
    name: str  # the product name; for a SKU with its variation
    seller_sku: str  # for a SKU; "" for a product
    units: int
    sales: Decimal
    refunded_units: int


@dataclass(frozen=True)
class RegionTotals:
    """One destination (country and state/province) over the period's paid orders."""

    region_code: str
    state: str
    orders: int
    net_sales: Decimal


@dataclass(frozen=True)
class RegionDay:
    """One destination on one local day, for the anomalies' usual level."""

    region_code: str
    state: str
    day: date
    orders: int
    net_sales: Decimal


@dataclass(frozen=True)
class FunnelStep:
    code: str
    label: str
    orders: int
