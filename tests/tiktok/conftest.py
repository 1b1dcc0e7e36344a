"""A fake TikTok on localhost, a client pointed at it that records its back-off instead of
sleeping, and settings that name both (with a fixed token key)."""

import pytest
from cryptography.fernet import Fernet

from tests.tiktok.after_sales_world import tt  # noqa: F401 - a fixture of these tests
from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, start
from tests.tiktok.outbox_world import world  # noqa: F401 - a fixture of these tests
from tests.tiktok.pages import tiktok_point_at
from tiktok.client import TikTokClient

TOKEN_KEY = Fernet.generate_key().decode()


@pytest.fixture
def tiktok():
    server, thread = start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=1)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(tiktok, sleeps):
    """A client of the fake TikTok; keyword arguments change its options."""

    def make(**options) -> TikTokClient:
        defaults = {
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "api_host": tiktok.url,
            "auth_host": tiktok.url,
            "timeout": 2,
            "max_retries": 3,
            "backoff": 1,
            "backoff_cap": 60,
            "sleep": sleeps.append,
        }
        return TikTokClient(**{**defaults, **options})

    return make


@pytest.fixture
def api(make_client):
    return make_client()


@pytest.fixture
def tiktok_settings(settings, tiktok):
    settings.TIKTOK_APP_KEY = APP_KEY
    settings.TIKTOK_APP_SECRET = APP_SECRET
    settings.TIKTOK_SERVICE_ID = "7123456789012345678"
    settings.TIKTOK_API_HOST = tiktok.url
    settings.TIKTOK_AUTH_HOST = tiktok.url
    settings.TIKTOK_TOKEN_KEYS = [TOKEN_KEY]
    settings.TIKTOK_MAX_RETRIES = 1
    settings.TIKTOK_BACKOFF_SECONDS = 0
    return settings


@pytest.fixture
def connect_settings(settings, tiktok):
    """As `tiktok_settings`, with TikTok's authorization page on the fake too."""
    return tiktok_point_at(settings, tiktok, TOKEN_KEY)
