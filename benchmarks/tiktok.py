"""TikTok back-fill benchmark: a simulated TikTok Shop holding N past orders of one shop and
no rate limit, served from its own process; one portal shop connected to it through the
authorization page; and its first sync (the back-fill) timed in a forked process, so its peak
memory is the portal's own. A tenth of N first, to show whether memory grows with N."""

from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Shop, User
from accounts.roles import Role
from accounts.services import membership_grant
from benchmarks.exports import ExportTiming, in_child
from benchmarks.tiktok_processes import SimulatorProcess, own_queue, simulated_settings
from demo.tiktok_connect import simulator_connect
from demo.tiktok_simulator.accounts import DEFAULT_SHOPS
from orders.models import Order
from tiktok.models import TikTokConnection
from tiktok.services.sync import connection_sync

TARGET = "bench-tiktok"  # the portal shop connected to the simulator, emptied first and after
US_SHOP = DEFAULT_SHOPS[:1]  # the simulator's US shop alone: all its orders are the back-fill's


def _backfill(connection_id: int, label: str):
    report = connection_sync(connection_id=connection_id)
    if report.error or report.skipped:
        raise RuntimeError(report.error or report.skipped)
    stored = report.orders
    return (
        f"{label} ({stored.created:,} created, {len(stored.refused):,} refused, "
        f"{report.windows} windows)",
        stored.created,
        0,
    )


def _empty():
    Order.objects.filter(shop__slug=TARGET).delete()
    TikTokConnection.objects.filter(shop__slug=TARGET).delete()
    return "emptied", 0, 0


def tiktok_target_empty() -> None:
    """The benchmark's shop without orders or connection (the shop itself stays for next time),
    in a forked process: deleting 100,000 orders loads them all, and the next case's process,
    forked from this one, would start that much larger."""
    in_child(_empty)


def tiktok_target(user: User) -> Shop:
    """The benchmark's shop, empty, `user` its administrator."""
    tiktok_target_empty()
    shop, _ = Shop.objects.get_or_create(
        slug=TARGET,
        defaults={"name": "TikTok benchmark", "market": "US", "currency": "USD",
                  "timezone": "America/Los_Angeles"},
    )  # fmt: skip
    with transaction.atomic():
        membership_grant(user=user, shop=shop, role=Role.ADMINISTRATOR, actor=None)
    return shop


def _case(user: User, orders: int) -> ExportTiming:
    simulator = SimulatorProcess(
        backlog=orders, backlog_days=80, orders_per_hour=0, rate_limit=0, speed=1,
        shops=US_SHOP, redirect_url="http://127.0.0.1/tiktok/callback/",
    )  # fmt: skip
    try:
        with simulator, override_settings(**simulated_settings(simulator.base)):
            with own_queue():  # connecting queues the shop's first sync: nobody takes it
                connection = simulator_connect(shop=tiktok_target(user), user=user)
            return in_child(_backfill, connection.pk, "back-fill from the simulator")
    finally:
        tiktok_target_empty()


def benchmark_tiktok(*, user: User, orders: int) -> list[ExportTiming]:
    """Back-fill a tenth of `orders` simulated orders (when that is worth it), then all."""
    sizes = [orders // 10] if orders >= 1000 else []
    return [_case(user, size) for size in [*sizes, orders]]


def render_tiktok_markdown(timings: list[ExportTiming]) -> str:
    lines = ["| case | orders | time | orders/s | peak memory |", "|---|---|---|---|---|"]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.rows:,} | {t.seconds:.1f} s | {t.rate:,.0f} | {t.peak_mb:.0f} MB |"
        )
    return "\n".join(lines)
