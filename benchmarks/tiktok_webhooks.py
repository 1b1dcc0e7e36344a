"""From a TikTok webhook to the order list: how long after the simulator moves an order does
the list show its new status?

Everything runs as in production, on the benchmark's database and broker: the simulator in
its own process, sending its signed notifications to a gunicorn server's /webhooks/tiktok/;
one Celery worker doing what they ask (fetching the order again and storing it); and the
list page read over HTTP as the shop's administrator. The simulator's orders move on their
own only after many minutes (a slow `speed`); each of `count` orders is moved by hand, one
at a time, and the list asked again and again until its row shows the new status.
"""

import statistics
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from benchmarks.tiktok import US_SHOP, tiktok_target, tiktok_target_empty
from benchmarks.tiktok_processes import (
    LOG,
    SimulatorProcess,
    free_port,
    own_queue,
    portal_env,
    running,
    simulated_settings,
    wait_ready,
    web_command,
    worker_command,
)
from demo.tiktok_connect import simulator_connect
from orders.models import Order

SPEED = 0.05  # an order's first step comes 20 minutes or more after it was created
WAIT = 30.0  # seconds for one order's new status before the case gives up on it
POLL = 0.02  # between two reads of the list


@dataclass
class WebhookTiming:
    webhooks: int
    seconds: list[float]  # from the move to the list showing it, one per order
    missed: int  # orders whose new status was not shown within WAIT
    reads: list[float] = field(default_factory=list)  # each read of the list page

    def quantile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _signed_in(user: User) -> requests.Session:
    """An HTTP session of `user`, signed in as the login page would."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    name = settings.SESSION_COOKIE_NAME
    session.cookies.set(name, client.cookies[name].value)
    return session


def _shown(session, portal: str, order_id: str, status: str, reads: list | None = None) -> bool:
    started = time.perf_counter()
    page = session.get(f"{portal}{reverse('orders:list')}", params={"q": order_id}, timeout=10)
    if reads is not None:
        reads.append(time.perf_counter() - started)
    if page.status_code != 200 or order_id not in page.text:
        raise RuntimeError(f"the order list answered {page.status_code} without order {order_id}")
    return f'class="badge status-{status.lower()}"' in page.text


def _stored(shop, ids: list[str], timeout: float) -> None:
    """Until every new order has come through its own webhook."""
    deadline = time.monotonic() + timeout
    while (found := Order.objects.filter(shop=shop, order_id__in=ids).count()) < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{found} of the simulator's {len(ids)} new orders reached the portal within "
                f"{timeout:.0f} s; the server's and the worker's log: {LOG}"
            )
        time.sleep(0.2)


def _moves(sim: SimulatorProcess, session, portal: str, ids: list[str]) -> WebhookTiming:
    timing = WebhookTiming(webhooks=len(ids), seconds=[], missed=0)
    if ids and not _shown(session, portal, ids[0], "UNPAID"):
        raise RuntimeError("the list does not show a new order as unpaid")
    for order_id in ids:
        started = time.perf_counter()
        status = sim.control("orders/advance", id=order_id)["status"]
        while not _shown(session, portal, order_id, status, timing.reads):
            if time.perf_counter() - started > WAIT:
                timing.missed += 1
                break
            time.sleep(POLL)
        else:
            timing.seconds.append(time.perf_counter() - started)
    return timing


def benchmark_tiktok_webhooks(*, user: User, count: int) -> WebhookTiming:
    """Move `count` simulated orders one by one; each move's time until the list shows it."""
    port = free_port()
    portal = f"http://127.0.0.1:{port}"
    simulator = SimulatorProcess(
        start=True, speed=SPEED, orders_per_hour=0, shops=US_SHOP,
        redirect_url=f"{portal}/tiktok/callback/", webhook_url=f"{portal}/webhooks/tiktok/",
    )  # fmt: skip
    try:
        with simulator, override_settings(**simulated_settings(simulator.base)):
            env = portal_env(simulator.base)
            with running(web_command(port), env) as web, running(worker_command(), env) as worker:
                hook = f"{portal}/webhooks/tiktok/"
                wait_ready(web, portal + reverse("accounts:login"), hook, worker)
                shop = tiktok_target(user)
                with own_queue():  # the shop's first sync, queued on connecting: this worker's
                    simulator_connect(shop=shop, user=user)
                ids = simulator.control("orders", shop=0, count=count)["order_ids"]
                _stored(shop, ids, timeout=60 + count)
                return _moves(simulator, _signed_in(user), portal, ids)
    finally:
        tiktok_target_empty()


def render_webhooks_markdown(timing: WebhookTiming) -> str:
    seconds = timing.seconds
    mean = statistics.fmean(seconds) if seconds else 0.0
    reads = statistics.fmean(timing.reads) if timing.reads else 0.0
    return "\n".join(
        [
            "| case | webhooks | shown | p50 | p95 | max | mean | list reads (mean) |",
            "|---|---|---|---|---|---|---|---|",
            f"| webhook → order list, one worker | {timing.webhooks:,} | {len(seconds):,} "
            f"| {timing.quantile(0.5):.2f} s | {timing.quantile(0.95):.2f} s "
            f"| {max(seconds, default=0):.2f} s | {mean:.2f} s "
            f"| {len(timing.reads):,} ({reads * 1000:.0f} ms) |",
        ]
    )
