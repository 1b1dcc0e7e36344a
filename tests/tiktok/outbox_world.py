"""A portal shop connected to the simulated TikTok Shop (served on a local port), and
simulated orders brought to "awaiting shipment" and read into the portal, for the outbox's
tests."""

import heapq
import threading
import time

import pytest
from cryptography.fernet import Fernet

from demo.tiktok_simulator import simulator_server
from demo.tiktok_simulator.accounts import DEFAULT_SHOPS, SimShop
from demo.tiktok_simulator.lifecycle import step_apply
from orders.models import Order
from tiktok.client import TikTokClient
from tiktok.services.sync import order_details_store
from tiktok.services.tokens import connection_authorize

KEY, SECRET = "outbox-app-key", "outbox-app-secret"
SEA_SHOP = SimShop(
    id="7496000000000000003",
    name="Glow & Go (MY)",
    region="MY",
    seller_type="LOCAL",
    cipher="ROW_Zz9kQgAAAAAsim1GlowGoMYqQ",
    code="MYLCGLOWGO03",
    currency="MYR",
)
SHOPS = (*DEFAULT_SHOPS, SEA_SHOP)
US, GB, MY = 0, 1, 2
TOKEN_KEY = Fernet.generate_key().decode()


def order_awaiting_shipment(world, number: int = 0, *, seller: bool = True):
    """A new simulated order of shop `number`, paid and off hold now, with no future of its
    own (the tests ship it)."""
    with world.lock:
        order = world.order_create(number)
        world.heap[:] = [e for e in world.heap if not (e[2] == "step" and e[3][0] is order)]
        heapq.heapify(world.heap)
        now = int(world.clock())
        order.data["shipping_type"] = "SELLER" if seller else "TIKTOK"
        for step in ("pay", "release"):
            step_apply(order, now, step, None, order.pace)
        order.data["is_on_hold_order"] = False
        order.plan, order.cached = [], None
    return order


class World:
    """The simulator, the portal's settings pointing at it, and helpers for orders."""

    def __init__(self, settings):
        self.server, self.sim = simulator_server(
            app_key=KEY,
            app_secret=SECRET,
            service_id="7000000000000000077",
            orders_per_hour=0,
            shops=SHOPS,
            speed=60,
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.sim.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = KEY, SECRET
        settings.TIKTOK_API_HOST = settings.TIKTOK_AUTH_HOST = self.url
        settings.TIKTOK_TOKEN_KEYS = [TOKEN_KEY]
        settings.TIKTOK_MAX_RETRIES = 1
        settings.TIKTOK_BACKOFF_SECONDS = 0
        settings.TIKTOK_TIMEOUT_SECONDS = 3
        settings.TIKTOK_ACTION_BACKOFF_SECONDS = 0
        self.settings = settings

    def env(self, **extra) -> dict:
        """The same settings, for a worker process."""
        return {
            "TIKTOK_APP_KEY": KEY,
            "TIKTOK_APP_SECRET": SECRET,
            "TIKTOK_API_HOST": self.url,
            "TIKTOK_AUTH_HOST": self.url,
            "TIKTOK_TOKEN_KEYS": TOKEN_KEY,
            "TIKTOK_MAX_RETRIES": "1",
            "TIKTOK_BACKOFF_SECONDS": "0",
            "TIKTOK_ACTION_BACKOFF_SECONDS": "0",
            **extra,
        }

    def connect(self, shop, number: int = US):
        """The portal shop linked to simulated shop `number`, with the simulator's tokens."""
        code = self.sim.accounts.code_issue(time.time())
        connection = connection_authorize(
            shop=shop, auth_code=code, client=TikTokClient.from_settings()
        )
        sim_shop = SHOPS[number]
        connection.tiktok_shop_id, connection.shop_cipher = sim_shop.id, sim_shop.cipher
        connection.region, connection.tiktok_shop_name = sim_shop.region, sim_shop.name
        connection.save()
        return connection

    def order(self, connection, number: int = US, *, seller: bool = True):
        """(simulated order, our Order): paid, off hold, awaiting shipment, read in."""
        order = order_awaiting_shipment(self.sim.world, number, seller=seller)
        order_details_store(connection, TikTokClient.from_settings(), [order.id])
        return order, Order.objects.get(shop=connection.shop, order_id=order.id)

    def stop(self):
        self.sim.stop()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world(settings):
    made = World(settings)
    yield made
    made.stop()
