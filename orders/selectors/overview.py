"""The overview page: per shop, my role, its orders per status, what needs me, and (where I
may view sales insights) today's and this week's sales against last week's.

The needs-action counts are the order list's own (orders/needs_action.py): the same reasons
for the same roles, counted with the same conditions. Every count links to the list filtered
to exactly its orders.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.access import shops_in_view, user_has_shop_perm
from accounts.models import Membership, Shop, User
from accounts.roles import Perm, Role
from orders.needs_action import (
    DEADLINE_NEEDS_ACTION,
    NEEDS_ACTION,
    needs_action_q,
    reasons_for_shop,
)
from orders.selectors import order_list_for_user
from orders.selectors.overview_sales import ShopSales, shop_sales
from orders.statuses import OrderStatus


@dataclass(frozen=True)
class Counter:
    code: str
    label: str
    count: int
    url: str


@dataclass
class ShopOverview:
    shop: Shop
    role: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    needs_action: dict[str, int] = field(default_factory=dict)  # code → orders, for my role
    sales: ShopSales | None = None  # only where I may view sales insights

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    def _list_url(self, **params) -> str:
        return f"{reverse('orders:list')}?{urlencode({'shop': self.shop.slug, **params})}"

    @property
    def total_url(self) -> str:
        return self._list_url()

    @property
    def status_rows(self) -> list[tuple[str, str, int, str]]:
        """Each status with its orders and the list of them."""
        return [
            (s.value, s.label, self.by_status.get(s.value, 0), self._list_url(status=s.value))
            for s in OrderStatus
        ]

    @property
    def counters(self) -> list[Counter]:
        """The list's needs-action counters for this shop, each linking to its orders: the
        shipping deadlines always, the other reasons when some order has them."""
        return [
            Counter(code, NEEDS_ACTION[code], n, self._list_url(needs_action=code))
            for code, n in self.needs_action.items()
            if n or code in DEADLINE_NEEDS_ACTION
        ]


def order_overview_for_user(*, user: User) -> list[ShopOverview]:
    """Per visible shop: the user's role, orders per status, what needs the user, and sales.

    The needs-action counts are the list's (orders/needs_action.py), one small query per
    reason read along the indexes that cover it, for the shops whose role sees that reason.
    The sales take a fixed number of queries per shop (orders/selectors/overview_sales.py).
    """
    shops = list(shops_in_view(user, Perm.VIEW_ORDERS))
    roles = dict(Membership.objects.filter(user=user).values_list("shop_id", "role"))
    overview = {shop.pk: ShopOverview(shop=shop, role=roles.get(shop.pk, "")) for shop in shops}
    scoped = order_list_for_user(user=user).filter(shop__in=shops).order_by()
    for row in scoped.values("shop_id", "status").annotate(n=Count("id")):
        entry = overview[row["shop_id"]]
        entry.by_status[row["status"]] = row["n"]
        entry.total += row["n"]
    now = timezone.now()
    shown = {shop.pk: reasons_for_shop(user, shop.pk) for shop in shops}
    for code in NEEDS_ACTION:
        in_shops = [shop_id for shop_id, codes in shown.items() if code in codes]
        if not in_shops:
            continue
        for shop_id in in_shops:
            overview[shop_id].needs_action[code] = 0
        counted = (
            scoped.filter(needs_action_q(code, now, user=user), shop_id__in=in_shops)
            .values("shop_id")
            .annotate(n=Count("id"))
        )
        for row in counted:
            overview[row["shop_id"]].needs_action[code] = row["n"]
    for shop in shops:
        if user_has_shop_perm(user, shop, Perm.VIEW_INSIGHTS):
            overview[shop.pk].sales = shop_sales(
                orders=scoped.filter(shop=shop), shop=shop, now=now
            )
    return list(overview.values())
