"""TikTok back-fill benchmark: a simulated TikTok Shop holding N past orders and no rate limit,
one portal shop connected to it through the authorization page, and its first sync (the
back-fill) timed in a forked process, so its peak memory is its own."""

import threading

from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Shop, User
from accounts.roles import Role
from accounts.services import membership_grant
from benchmarks.exports import ExportTiming, in_child
from demo.tiktok_connect import simulator_connect
from demo.tiktok_simulator import (
    SIMULATOR_APP_KEY,
    SIMULATOR_APP_SECRET,
    SIMULATOR_SERVICE_ID,
    simulator_server,
)
from orders.models import Order
from tiktok.models import TikTokConnection
from tiktok.services.sync import connection_sync

TARGET = "bench-tiktok"  # the portal shop connected to the simulator, emptied first and after


def _backfill(connection_id: int, label: str):
    report = connection_sync(connection_id=connection_id)
    if report.error or report.skipped:
        raise RuntimeError(report.error or report.skipped)
    stored = report.orders
    return (
        f"{label} ({stored.created:,} created, {len(stored.refused):,} refused)",
        stored.created,
        0,
    )


def _empty() -> None:
    """The benchmark's shop without orders or connection (the shop itself stays for next time)."""
    Order.objects.filter(shop__slug=TARGET).delete()
    TikTokConnection.objects.filter(shop__slug=TARGET).delete()


def _target(user: User) -> Shop:
    _empty()
    shop, _ = Shop.objects.get_or_create(
        slug=TARGET,
        defaults={"name": "TikTok benchmark", "market": "US", "currency": "USD",
                  "timezone": "America/Los_Angeles"},
    )  # fmt: skip
    with transaction.atomic():
        membership_grant(user=user, shop=shop, role=Role.ADMINISTRATOR, actor=None)
    return shop


def benchmark_tiktok(*, user: User, orders: int) -> list[ExportTiming]:
    """Back-fill `orders` simulated orders (most of them the first simulated shop's)."""
    server, sim = simulator_server(
        backlog=orders, backlog_days=80, orders_per_hour=0, rate_limit=0, speed=1,
        redirect_url="http://127.0.0.1/tiktok/callback/",
    )  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    simulated = {
        "TIKTOK_APP_KEY": SIMULATOR_APP_KEY,
        "TIKTOK_APP_SECRET": SIMULATOR_APP_SECRET,
        "TIKTOK_SERVICE_ID": SIMULATOR_SERVICE_ID,
        "TIKTOK_API_HOST": base,
        "TIKTOK_AUTH_HOST": base,
        "TIKTOK_AUTHORIZE_URL": f"{base}/open/authorize",
        "TIKTOK_AUTHORIZE_URL_US": f"{base}/open/authorize",
    }
    try:
        with override_settings(**simulated):
            shop = _target(user)
            connection = simulator_connect(shop=shop, user=user)
            timing = in_child(_backfill, connection.pk, "back-fill from the simulator")
    finally:
        server.shutdown()
        server.server_close()
        _empty()
    return [timing]


def render_tiktok_markdown(timings: list[ExportTiming]) -> str:
    lines = ["| case | orders | time | orders/s | peak memory |", "|---|---|---|---|---|"]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.rows:,} | {t.seconds:.1f} s | {t.rate:,.0f} | {t.peak_mb:.0f} MB |"
        )
    return "\n".join(lines)
