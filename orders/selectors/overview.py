"""The overview page: per shop, my role, its orders per status and what needs me.

The needs-action counts are the order list's own (orders/needs_action.py): the same reasons
for the same roles, counted with the same conditions.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.access import shops_in_view
from accounts.models import Membership, Shop, User
from accounts.roles import Perm, Role
from orders.needs_action import (
    DEADLINE_NEEDS_ACTION,
    NEEDS_ACTION,
    needs_action_q,
    reasons_for_shop,
)
from orders.selectors import order_list_for_user
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

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in OrderStatus]

    @property
    def counters(self) -> list[Counter]:
        """The list's needs-action counters for this shop, each linking to its orders: the
        shipping deadlines always, the other reasons when some order has them."""
        url = reverse("orders:list")
        return [
            Counter(
                code,
                NEEDS_ACTION[code],
                n,
                f"{url}?{urlencode({'shop': self.shop.slug, 'needs_action': code})}",
            )
            for code, n in self.needs_action.items()
            if n or code in DEADLINE_NEEDS_ACTION
        ]


def order_overview_for_user(*, user: User) -> list[ShopOverview]:
    """Per visible shop: the user's role, orders per status and what needs the user.

    The needs-action counts are the list's (orders/needs_action.py), one small query per
    reason read along the indexes that cover it, for the shops whose role sees that reason.
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
    return list(overview.values())
