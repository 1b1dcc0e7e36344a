"""Reads of orders. Every order query starts from `order_list_for_user` (STYLE.md rule 3)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.access import shops_for_user, shops_in_view
from accounts.models import Membership, Shop, User
from accounts.roles import Perm, Role

from ..models import Order
from ..statuses import OrderStatus

TO_SHIP = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING)


def order_list_for_user(*, user: User, perm: Perm = Perm.VIEW_ORDERS) -> QuerySet[Order]:
    """Orders of the shops where `user` holds `perm`; another shop's orders never appear."""
    # A user belongs to a handful of shops: a literal list plans far better than guardian's
    # permission subquery inside every order query.
    shop_ids = list(shops_for_user(user, perm).values_list("pk", flat=True))
    return Order.objects.filter(shop_id__in=shop_ids)


@dataclass
class ShopOverview:
    shop: Shop
    role: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    ship_within_24h: int = 0
    overdue: int = 0

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in OrderStatus]


def order_overview_for_user(*, user: User) -> list[ShopOverview]:
    """Per visible shop: the user's role, orders per status and what must ship soon."""
    shops = list(shops_in_view(user, Perm.VIEW_ORDERS))
    roles = dict(Membership.objects.filter(user=user).values_list("shop_id", "role"))
    overview = {shop.pk: ShopOverview(shop=shop, role=roles.get(shop.pk, "")) for shop in shops}
    now = timezone.now()
    rows = (
        order_list_for_user(user=user)
        .filter(shop__in=shops)
        .order_by()
        .values("shop_id", "status")
        .annotate(
            n=Count("id"),
            due_soon=Count(
                "id",
                filter=Q(
                    status__in=TO_SHIP,
                    shipping_due_time__gte=now,
                    shipping_due_time__lt=now + timedelta(hours=24),
                ),
            ),
            overdue=Count("id", filter=Q(status__in=TO_SHIP, shipping_due_time__lt=now)),
        )
    )
    for row in rows:
        entry = overview[row["shop_id"]]
        entry.by_status[row["status"]] = row["n"]
        entry.total += row["n"]
        entry.ship_within_24h += row["due_soon"]
        entry.overdue += row["overdue"]
    return list(overview.values())
