"""A portal shop connected to the simulated TikTok Shop, with a back-log of orders that have
settled into statements, read into the portal by the order sync."""

import threading
import time

import pytest
from cryptography.fernet import Fernet

from demo.tiktok_simulator import simulator_server
from demo.tiktok_simulator.accounts import DEFAULT_SHOPS
from tiktok.client import TikTokClient
from tiktok.services.sync import connection_sync
from tiktok.services.tokens import connection_authorize

KEY, SECRET = "finance-app-key", "finance-app-secret"
TOKEN_KEY = Fernet.generate_key().decode()


class PullWorld:
    def __init__(self, settings, backlog: int = 260):
        self.server, self.sim = simulator_server(
            app_key=KEY,
            app_secret=SECRET,
            service_id="7000000000000000078",
            orders_per_hour=0,
            backlog=backlog,
            backlog_days=45,
            shops=DEFAULT_SHOPS,
            rate_limit=0,
            seed=7,
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.sim.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = KEY, SECRET
        settings.TIKTOK_API_HOST = settings.TIKTOK_AUTH_HOST = self.url
        settings.TIKTOK_TOKEN_KEYS = [TOKEN_KEY]
        settings.TIKTOK_MAX_RETRIES = 1
        settings.TIKTOK_BACKOFF_SECONDS = 0
        settings.TIKTOK_TIMEOUT_SECONDS = 5

    @property
    def books(self):
        return self.sim.world.ledger.books[DEFAULT_SHOPS[0].id]

    def connect(self, shop):
        code = self.sim.accounts.code_issue(time.time())
        connection = connection_authorize(
            shop=shop, auth_code=code, client=TikTokClient.from_settings()
        )
        sim_shop = DEFAULT_SHOPS[0]
        connection.tiktok_shop_id, connection.shop_cipher = sim_shop.id, sim_shop.cipher
        connection.region, connection.tiktok_shop_name = sim_shop.region, sim_shop.name
        connection.save()
        connection_sync(connection_id=connection.pk)  # the orders first
        return connection

    def stop(self):
        self.sim.stop()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pull_world(settings):
    made = PullWorld(settings)
    yield made
    made.stop()
