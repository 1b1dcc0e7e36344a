"""A shop administrator connects the shop to TikTok Shop: the page, TikTok's authorization
page (the fake TikTok on localhost), back to the portal, the choice between two authorized
TikTok shops, and the connected page."""

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from tests.browser.conftest import HOME, fits_the_screen, screenshot, sign_in
from tests.tiktok.fake_tiktok import SHOP, ok, start
from tests.tiktok.pages import SECOND_SHOP, tiktok_point_at
from tiktok.models import TikTokConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tiktok(settings, live_server):
    server, thread = start()
    server.redirect_url = f"{live_server.url}/tiktok/callback/"
    tiktok_point_at(settings, server, Fernet.generate_key().decode())
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=1)


def test_administrator_connects_a_shop_choosing_among_two_tiktok_shops(page, admin, shop, tiktok):
    tiktok.reply("/authorization/202309/shops", ok({"shops": [SHOP, SECOND_SHOP]}), times=3)
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.get_by_role("link", name="TikTok Shop").click()
    expect(page.get_by_role("heading", name="TikTok Shop connection of North Shop")).to_be_visible()
    expect(page.get_by_text("Not connected", exact=True)).to_be_visible()
    screenshot(page, "tiktok-not-connected")

    page.get_by_role("button", name="Connect", exact=True).click()
    page.get_by_role("link", name="Authorize").click()  # on TikTok's page

    expect(page.get_by_role("heading", name="Which TikTok shop is North Shop?")).to_be_visible()
    screenshot(page, "tiktok-choose-shop")
    page.get_by_label("Maomao US (US, local seller, shop code USLCSHOP22)").check()
    page.get_by_role("button", name="Link this TikTok shop").click()

    expect(page.get_by_role("status")).to_contain_text("Connected to the TikTok shop Maomao US")
    expect(page.get_by_text("Connected", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sync now")).to_be_visible()
    screenshot(page, "tiktok-connected")
    page.set_viewport_size({"width": 390, "height": 844})
    fits_the_screen(page)
    connection = TikTokConnection.objects.get(shop=shop)
    assert (connection.tiktok_shop_id, connection.region) == (SECOND_SHOP["id"], "US")
