"""Who the load test signs in as and what each of them asks for: one member of every role in
the shop with the most orders, a signed-in session each, and a weighted mix of that member's
list filters, searches, deep pages, order pages and tab counts, taken from the real data."""

import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings

from accounts.models import Membership, Shop, User
from accounts.roles import ROLE_PERMISSIONS, Perm, Role
from orders.keyset import cursor_for, sort_queryset
from orders.models import Order, OrderLine
from orders.selectors.order_filter import order_filterset

FILTERS = (
    "", "status=AWAITING_SHIPMENT", "status=IN_TRANSIT", "period=last_30d",
    "needs_action=overdue", "has_refund=1", "carrier=UPS", "sort=-total",
)  # fmt: skip
COUNTS = ("", "status=AWAITING_SHIPMENT", "period=last_30d", "needs_action=overdue")
EXPORT_QUERY = "period=last_30d"  # about a month of the shop's orders
DETAILS = 40
# How often each kind of request comes, relative to the others (a person mostly opens orders
# from the list and filters it; searches, deep pages and the tab counts less often).
WEIGHTS = {"list": 3, "search": 2, "deep": 2, "detail": 1, "counts": 3}


@dataclass
class RoleMix:
    role: Role
    email: str
    session: str  # the sessionid cookie's value
    exports: bool  # may start an export (one a level)
    paths: list[tuple[str, str]] = field(default_factory=list)  # (kind, path)
    weights: list[int] = field(default_factory=list)

    def pick(self, rng: random.Random) -> tuple[str, str]:
        return rng.choices(self.paths, weights=self.weights)[0]


def busiest_shop() -> Shop | None:
    return Shop.objects.annotate(n=Count("orders")).order_by("-n", "pk").first()


def role_members(shop: Shop) -> dict[Role, User]:
    """One member of `shop` for every role it has, preferring people of this shop alone."""
    members = {}
    for membership in (
        Membership.objects.filter(shop=shop, user__is_active=True)
        .annotate(shops=Count("user__memberships"))
        .order_by("shops", "user__email")
        .select_related("user")
    ):
        members.setdefault(Role(membership.role), membership.user)
    return {role: members[role] for role in Role if role in members}


def signed_in_session(user: User, secret_key: str) -> str:
    """A session as a sign-in leaves it, signed with the servers' key (no password needed)."""
    with override_settings(SECRET_KEY=secret_key):
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value


def _deep_cursor(user: User, depth: int) -> str:
    filterset, _ = order_filterset(user=user, query=QueryDict())
    row = sort_queryset(filterset.qs, "-created")[depth : depth + 1].get()
    return cursor_for(row, "-created")


def _searches(orders) -> list[str]:
    newest = list(orders.order_by("-pk").values_list("order_id", "recipient_name")[:3])
    queries = [newest[0][0], ",".join(order_id for order_id, _ in newest)]
    names = [name.split()[0] for _, name in newest if name.strip()]
    queries += names[:1]
    sku = OrderLine.objects.filter(order__in=orders).exclude(seller_sku="").first()
    if sku:
        queries.append(sku.seller_sku)
    return [urlencode({"q": q}) for q in queries]


def paths_for(user: User, shop: Shop, seed: int) -> list[tuple[str, str]]:
    orders = Order.objects.filter(shop=shop)
    total = orders.count()
    paths = [("list", f"/orders/?{q}" if q else "/orders/") for q in FILTERS]
    paths += [("search", f"/orders/?{q}") for q in _searches(orders)]
    for depth in sorted({min(total - 1, d) for d in (total // 2, total - 30) if d > 0}):
        paths.append(("deep", f"/orders/?{urlencode({'cursor': _deep_cursor(user, depth)})}"))
    if total > 250:
        paths.append(("deep", "/orders/?page=10"))
    paths += [("counts", f"/orders/counts/?{q}" if q else "/orders/counts/") for q in COUNTS]
    ids = list(orders.values_list("order_id", flat=True)[:2000])
    for order_id in random.Random(seed).sample(ids, min(DETAILS, len(ids))):
        paths.append(("detail", f"/orders/{order_id}/"))
    return paths


def role_mixes(secret_key: str) -> list[RoleMix]:
    """Every role's member in the busiest shop, signed in, with their weighted paths."""
    shop = busiest_shop()
    if shop is None or not shop.orders.exists():
        return []
    mixes = []
    for number, (role, user) in enumerate(role_members(shop).items()):
        paths = paths_for(user, shop, seed=number)
        mixes.append(
            RoleMix(
                role=role,
                email=user.email,
                session=signed_in_session(user, secret_key),
                exports=Perm.EXPORT_ORDERS in ROLE_PERMISSIONS[role],
                paths=paths,
                weights=[WEIGHTS[kind] for kind, _ in paths],
            )
        )
    return mixes
