"""Demo data: two shops, a member of every role, and realistic orders in bulk."""

import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, reset_queries, transaction
from django.utils import timezone

from accounts.models import Membership, Shop, User
from accounts.roles import Role
from accounts.services import membership_grant
from demo.builder import build_order, demo_order_id
from demo.parts import DemoOrder
from orders.models import Order, OrderEvent, OrderLine, Package, Refund
from orders.services.bulk_insert import bulk_insert
from orders.services.sales_rollups import sales_days_touched, sales_rollups_rebuild
from orders.statuses import ActorType
from tracking.models import TrackingCheckpoint

DEMO_PASSWORD = "sellercenter-demo"  # noqa: S105 - printed to the person running the demo
DEMO_SHOPS = (
    {
        "slug": "glow-and-go-us",
        "name": "Glow & Go (US)",
        "market": "US",
        "currency": "USD",
        "timezone": "America/Los_Angeles",
        "refund_limit": 50,
    },
    {
        "slug": "glow-and-go-uk",
        "name": "Glow & Go (UK)",
        "market": "GB",
        "currency": "GBP",
        "timezone": "Europe/London",
        "refund_limit": 40,
    },
)
# (email, full name, {shop slug: role}, Django superuser)
DEMO_USERS = (
    ("root@demo.test", "Robin Root", {}, True),
    ("admin@demo.test", "Ada Administrator", {"glow-and-go-us": Role.ADMINISTRATOR}, False),
    ("cs@demo.test", "Casey Service", {"glow-and-go-us": Role.CUSTOMER_SERVICE}, False),
    ("fulfilment@demo.test", "Frankie Packer", {"glow-and-go-us": Role.FULFILMENT}, False),
    ("accountant@demo.test", "Alex Ledger", {"glow-and-go-us": Role.ACCOUNTANT}, False),
    ("viewer@demo.test", "Vic Viewer", {"glow-and-go-us": Role.VIEWER}, False),
    ("uk.admin@demo.test", "Harriet Admin", {"glow-and-go-uk": Role.ADMINISTRATOR}, False),
    ("uk.cs@demo.test", "Oliver Service", {"glow-and-go-uk": Role.CUSTOMER_SERVICE}, False),
    (
        "manager@demo.test",
        "Morgan Both-Shops",
        {"glow-and-go-us": Role.CUSTOMER_SERVICE, "glow-and-go-uk": Role.ACCOUNTANT},
        False,
    ),
)
HISTORY_DAYS = 395  # 13 months
BATCH = 2000
PARALLEL_FROM = 20_000  # below this, starting processes costs more than it saves


@dataclass
class SeedReport:
    shops: int
    users: int
    orders_before: int
    orders_created: int


def demo_accounts_ensure() -> tuple[list[Shop], list[User]]:
    """Create the demo shops and users, or leave them as they are."""
    shops = []
    for spec in DEMO_SHOPS:
        shop, _ = Shop.objects.get_or_create(slug=spec["slug"], defaults=spec)
        shops.append(shop)
    by_slug = {shop.slug: shop for shop in shops}
    users = []
    for email, name, roles, superuser in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(email=email, password=DEMO_PASSWORD, full_name=name, is_staff=superuser)
        for slug, role in roles.items():
            membership_grant(shop=by_slug[slug], user=user, role=role, actor=None)
        users.append(user)
    return shops, users


def _created_at(rng: random.Random, now):
    """Recent days are busier: a believable growth curve over 13 months."""
    if rng.random() < 0.03:
        age = timedelta(hours=rng.uniform(0.05, 48))
    else:
        age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.25, seconds=rng.randint(60, 3600))
    return now - age


def demo_seed(
    *, orders: int, seed: int = 2026, progress: Callable[[int], None] | None = None
) -> SeedReport:
    """Bring the demo to `orders` orders in total; running it again adds nothing.

    On PostgreSQL, large runs are split over one process per core; each builds and inserts
    its own share of order numbers, so no two processes write the same order.
    """
    shops, users = demo_accounts_ensure()
    before = Order.objects.filter(shop__in=shops).count()
    missing = max(0, orders - before)
    now = timezone.now()
    processes = min(os.cpu_count() or 1, 4)
    if connection.vendor == "postgresql" and missing >= PARALLEL_FROM and processes > 1:
        step = -(-missing // processes)
        shares = [
            (start, min(start + step, before + missing), seed, now)
            for start in range(before, before + missing, step)
        ]
        connections.close_all()  # each forked process opens its own connections
        with multiprocessing.get_context("fork").Pool(len(shares)) as pool:
            created = sum(pool.starmap(_seed_share, shares))
        if progress:
            progress(created)
    else:
        created = _seed_share(before, before + missing, seed, now, progress)
    if created:  # the seeded days' roll-ups, once for all the batches
        sales_rollups_rebuild(shops=shops)
    if created and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses
            cursor.execute("ANALYZE")
    return SeedReport(
        shops=len(shops), users=len(users), orders_before=before, orders_created=created
    )


def _seed_share(first: int, stop: int, seed: int, now, progress=None) -> int:
    """Build and save orders number `first` to `stop - 1`, in batches."""
    shops = [Shop.objects.get(slug=spec["slug"]) for spec in DEMO_SHOPS]
    rng = random.Random(seed + first)
    created = 0
    for start in range(first, stop, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, stop)):
            shop_number = 0 if i % 20 < 13 else 1  # about two thirds in the US shop
            batch.append(
                build_order(
                    shop=shops[shop_number],
                    rng=rng,
                    order_id=demo_order_id(shop_number, i),
                    created=_created_at(rng, now),
                    now=now,
                )
            )
        created += demo_orders_save(_not_taken(batch), rollups=False)
        if progress:
            progress(created)
    return created


def _not_taken(batch: list[DemoOrder]) -> list[DemoOrder]:
    """Drop orders whose ids exist already (left over after orders were deleted by hand)."""
    taken = set(
        Order.objects.filter(order_id__in=[d.order.order_id for d in batch]).values_list(
            "shop_id", "order_id"
        )
    )
    return [d for d in batch if (d.order.shop_id, d.order.order_id) not in taken]


def _sign_by_members(batch: list[DemoOrder]) -> None:
    """A person's event (a reply to the buyer) is by a member of the order's shop: its
    customer service, else an administrator; none when the shop has neither."""
    responders = {}
    for shop_id, user_id in (
        Membership.objects.filter(
            shop__in={d.order.shop_id for d in batch},
            role__in=(Role.ADMINISTRATOR, Role.CUSTOMER_SERVICE),
        )
        .order_by("role", "-pk")  # customer service sorts last, so it wins
        .values_list("shop_id", "user_id")
    ):
        responders[shop_id] = user_id
    for demo in batch:
        for event in demo.events:
            if event.actor_type == ActorType.USER and event.actor_id is None:
                event.actor_id = responders.get(demo.order.shop_id)


@transaction.atomic
def demo_orders_save(batch: list[DemoOrder], *, rollups: bool = True) -> int:
    """Insert a batch of built orders and their children, one bulk insert per table; their
    days' sales roll-ups are recomputed after commit unless `rollups` is off (the seed
    rebuilds them once at its end)."""
    bulk_insert(Order, [d.order for d in batch])
    for demo in batch:
        for child in (*demo.packages, *demo.lines, *demo.events, *demo.refunds):
            child.order = demo.order
    bulk_insert(Package, [p for d in batch for p in d.packages])
    for demo in batch:
        for index, checkpoint in demo.checkpoints:
            checkpoint.package = demo.packages[index]
        for line in demo.lines:
            line.package = line.package  # picks up the package's new primary key
    bulk_insert(OrderLine, [line for d in batch for line in d.lines])
    bulk_insert(TrackingCheckpoint, [c for d in batch for _, c in d.checkpoints])
    _sign_by_members(batch)
    bulk_insert(OrderEvent, [e for d in batch for e in d.events])
    bulk_insert(Refund, [r for d in batch for r in d.refunds])
    if rollups:
        sales_days_touched(d.order for d in batch)
    if settings.DEBUG:
        reset_queries()  # DEBUG keeps every statement; a seed run would hoard them all
    return len(batch)
