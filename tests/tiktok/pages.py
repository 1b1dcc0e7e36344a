"""Helpers of the "TikTok Shop" page tests: settings that send the authorization page to the
fake TikTok, and the steps a shop administrator takes over HTTP."""

from urllib.parse import parse_qs, urlsplit

from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, AUTH_CODE, AUTHORIZE_PAGE, SHOP

SERVICE_ID = "7123456789012345678"

SECOND_SHOP = {
    **SHOP,
    "cipher": "ROW_second_cipher_0000000000000000",
    "code": "USLCSHOP22",
    "id": "7000714532876273999",
    "name": "Maomao US",
    "region": "US",
    "seller_type": "LOCAL",
}


def tiktok_point_at(settings, tiktok, token_key: str):
    """Settings of a portal whose TikTok (API, tokens and authorization page) is the fake."""
    settings.TIKTOK_APP_KEY = APP_KEY
    settings.TIKTOK_APP_SECRET = APP_SECRET
    settings.TIKTOK_SERVICE_ID = SERVICE_ID
    settings.TIKTOK_API_HOST = settings.TIKTOK_AUTH_HOST = tiktok.url
    settings.TIKTOK_AUTHORIZE_URL = settings.TIKTOK_AUTHORIZE_URL_US = tiktok.url + AUTHORIZE_PAGE
    settings.TIKTOK_TOKEN_KEYS = [token_key]
    settings.TIKTOK_MAX_RETRIES = 1
    settings.TIKTOK_BACKOFF_SECONDS = 0
    return settings


def page_url(shop, step: str = "") -> str:
    return f"/shops/{shop.slug}/tiktok/{step + '/' if step else ''}"


def state_from_connect(client, shop) -> str:
    """Press Connect; the state of the authorization link it redirects to."""
    response = client.post(page_url(shop, "connect"))
    assert response.status_code == 302
    link = urlsplit(response["Location"])
    query = parse_qs(link.query)
    assert link.path == AUTHORIZE_PAGE
    assert query["service_id"] == [SERVICE_ID]
    return query["state"][0]


def callback(client, state: str, code: str = AUTH_CODE, **extra):
    return client.get("/tiktok/callback/", {"code": code, "state": state, **extra})


def connect(client, shop):
    """Connect → TikTok → back: the callback's response."""
    return callback(client, state_from_connect(client, shop))
