"""The whole loop against the simulated TikTok Shop (demo.tiktok_simulator, the demo's own): a
shop administrator connects on the simulator's authorization page, the first sync brings the
shop's orders, and an order placed on TikTok afterwards arrives by its signed webhook; its
page says where it came from and the timeline names TikTok's webhook."""

import threading
import time

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from demo.tiktok_simulator import (
    SIMULATOR_APP_KEY,
    SIMULATOR_APP_SECRET,
    SIMULATOR_SERVICE_ID,
    simulator_server,
)
from orders.models import Order
from tests.browser.conftest import HOME, screenshot, sign_in
from tiktok.models import TikTokConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def simulated_tiktok(settings, live_server):
    server, sim = simulator_server(
        backlog=4, backlog_days=3, orders_per_hour=0, rate_limit=0, speed=1,
        redirect_url=f"{live_server.url}/tiktok/callback/",
        webhook_url=f"{live_server.url}/webhooks/tiktok/",
    )  # fmt: skip
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sim.start()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = SIMULATOR_APP_KEY, SIMULATOR_APP_SECRET
    settings.TIKTOK_SERVICE_ID = SIMULATOR_SERVICE_ID
    settings.TIKTOK_API_HOST = settings.TIKTOK_AUTH_HOST = base
    settings.TIKTOK_AUTHORIZE_URL = settings.TIKTOK_AUTHORIZE_URL_US = f"{base}/open/authorize"
    settings.TIKTOK_TOKEN_KEYS = [Fernet.generate_key().decode()]
    settings.TIKTOK_BACKFILL_DAYS = 5
    yield base, sim
    sim.stop()
    server.shutdown()
    server.server_close()


def _stored(order_id: str, timeout: float = 15) -> Order:
    deadline = time.monotonic() + timeout
    while not (order := Order.objects.filter(order_id=order_id).first()):
        assert time.monotonic() < deadline, f"order {order_id} did not arrive"
        time.sleep(0.2)
    return order


def test_a_connected_shop_receives_a_new_tiktok_order_by_webhook(
    page, admin, shop, simulated_tiktok, eager
):
    base, sim = simulated_tiktok
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.get_by_role("link", name="TikTok Shop").click()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.get_by_role("heading", name="Authorize simulator-app-key")).to_be_visible()
    page.get_by_role("button", name="Authorize").click()  # on the simulator's page

    # Two simulated shops were authorized: the US one is this shop's.
    page.get_by_label("Glow & Go (US)", exact=False).check()
    page.get_by_role("button", name="Link this TikTok shop").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Connected to the TikTok shop Glow & Go (US)"
    )
    connection = TikTokConnection.objects.get(shop=shop)
    assert connection.last_synced_at is not None  # the first sync ran when the shop was linked
    backfilled = Order.objects.filter(shop=shop).count()
    assert backfilled > 0

    answer = page.request.post(f"{base}/simulator/orders?shop=0&count=1").json()
    (order_id,) = answer["data"]["order_ids"]
    order = _stored(order_id)  # the simulator's webhook, then the portal's re-read
    assert order.shop == shop and Order.objects.filter(shop=shop).count() == backfilled + 1

    page.goto("/orders/")
    expect(page.get_by_role("link", name=order_id)).to_be_visible()
    page.get_by_role("link", name=order_id).click()
    expect(page.locator("#order-source")).to_contain_text("From TikTok Shop")
    created = page.locator(".timeline li.timeline-created")
    expect(created).to_contain_text("Order created")
    expect(created).to_contain_text("TikTok (webhook)")
    screenshot(page, "order-detail-from-tiktok")
