"""The shop's "TikTok Shop" page and the OAuth round trip, over HTTP against the fake TikTok:
a portal without credentials says how to set them, Connect sends the seller to TikTok with a
signed single-use state, and a callback whose state is wrong, reused or expired connects
nothing."""

import pytest

from accounts.models import AuditAction, AuditEvent
from accounts.services import membership_grant
from tests.tiktok.fake_tiktok import SHOP, fail, ok
from tests.tiktok.pages import (
    SECOND_SHOP,
    callback,
    connect,
    page_url,
    state_from_connect,
)
from tiktok.models import ConnectionState, TikTokConnection

pytestmark = pytest.mark.django_db
SHOPS = "/authorization/202309/shops"
TOKEN_GET = "/api/v2/token/get"


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    return client


def events(action):
    return AuditEvent.objects.filter(action=action)


# --- The page ---------------------------------------------------------------------------------


def test_a_portal_without_credentials_shows_which_variables_to_set(signed_in, shop, settings):
    settings.TIKTOK_APP_KEY = settings.TIKTOK_APP_SECRET = settings.TIKTOK_SERVICE_ID = ""
    response = signed_in.get(page_url(shop))
    assert response.status_code == 200
    for name in ("TIKTOK_APP_KEY", "TIKTOK_APP_SECRET", "TIKTOK_SERVICE_ID"):
        assert name in response.text
    assert "/tiktok/callback/" in response.text  # the redirect URL to register
    assert b">Connect</button>" not in response.content


def test_connect_without_credentials_goes_nowhere(signed_in, shop, settings):
    settings.TIKTOK_APP_KEY = ""
    response = signed_in.post(page_url(shop, "connect"), follow=True)
    assert response.redirect_chain == [(page_url(shop), 302)]
    assert "Set the TikTok app" in response.text


def test_a_shop_not_connected_offers_connect(signed_in, shop, connect_settings):
    response = signed_in.get(page_url(shop))
    assert "Not connected" in response.text
    assert b">Connect</button>" in response.content
    assert "TIKTOK_APP_KEY" not in response.text


def test_the_menu_leads_administrators_to_the_page(signed_in, shop, connect_settings):
    home = signed_in.get("/")
    assert 'href="/tiktok/"' in home.text
    assert signed_in.get("/tiktok/")["Location"] == page_url(shop)  # their only shop


def test_the_menu_has_no_tiktok_entry_for_other_roles(client, viewer):
    client.force_login(viewer)
    assert 'href="/tiktok/"' not in client.get("/").text


def test_a_member_without_the_permission_gets_403_naming_it(client, shop, cs_agent, admin):
    client.force_login(cs_agent)
    response = client.get(page_url(shop))
    assert response.status_code == 403
    assert "Connect and disconnect TikTok Shop" in response.text


def test_an_administrator_of_another_shop_gets_404(client, shop, outsider):
    client.force_login(outsider)
    assert client.get(page_url(shop)).status_code == 404
    assert client.post(page_url(shop, "connect")).status_code == 404


# --- Connect and callback ---------------------------------------------------------------------


def test_one_authorized_shop_is_linked_at_once(signed_in, shop, tiktok, connect_settings):
    response = connect(signed_in, shop)
    assert response.status_code == 302 and response["Location"] == page_url(shop)
    connection = TikTokConnection.objects.get(shop=shop)
    assert connection.state == ConnectionState.CONNECTED
    assert (connection.tiktok_shop_id, connection.shop_cipher) == (SHOP["id"], SHOP["cipher"])
    assert (connection.region, connection.seller_type) == ("GB", "CROSS_BORDER")
    assert tiktok.calls(TOKEN_GET)[0]["query"]["auth_code"] == "ROW_fake_authorization_code"
    event = events(AuditAction.TIKTOK_CONNECTED).get()
    assert event.shop == shop and event.payload["tiktok_shop_id"] == SHOP["id"]
    page = signed_in.get(page_url(shop)).text
    for words in ("Connected", "Maomao beauty shop", "Cross-border", "Order information"):
        assert words in page
    assert "TTP_access_token_one" not in page


def test_several_authorized_shops_are_chosen_from(signed_in, shop, tiktok, connect_settings):
    tiktok.reply(SHOPS, ok({"shops": [SHOP, SECOND_SHOP]}), times=2)
    response = connect(signed_in, shop)
    assert response["Location"] == page_url(shop, "choose")
    assert not events(AuditAction.TIKTOK_CONNECTED).exists()
    choose = signed_in.get(page_url(shop, "choose"))
    assert "Maomao US (US, local seller, shop code USLCSHOP22)" in choose.text
    tiktok.reply(SHOPS, ok({"shops": [SHOP, SECOND_SHOP]}))
    linked = signed_in.post(page_url(shop, "choose"), {"tiktok_shop": SECOND_SHOP["id"]})
    assert linked["Location"] == page_url(shop)
    connection = TikTokConnection.objects.get(shop=shop)
    assert (connection.tiktok_shop_id, connection.shop_cipher) == (
        SECOND_SHOP["id"],
        SECOND_SHOP["cipher"],
    )
    assert (connection.region, connection.seller_type) == ("US", "LOCAL")
    assert events(AuditAction.TIKTOK_CONNECTED).count() == 1


def test_a_shop_tiktok_no_longer_lists_cannot_be_chosen(signed_in, shop, tiktok, connect_settings):
    tiktok.reply(SHOPS, ok({"shops": [SHOP, SECOND_SHOP]}))
    connect(signed_in, shop)
    response = signed_in.post(page_url(shop, "choose"), {"tiktok_shop": SECOND_SHOP["id"]})
    assert response.status_code == 400  # TikTok now lists only SHOP
    assert TikTokConnection.objects.get(shop=shop).tiktok_shop_id == ""


def test_a_tiktok_shop_linked_to_another_portal_shop_is_refused(
    client, shop, other_shop, outsider, admin, tiktok, connect_settings
):
    client.force_login(outsider)
    connect(client, other_shop)
    client.force_login(admin)
    tiktok.reply(SHOPS, ok({"shops": [SHOP, SECOND_SHOP]}), times=2)
    connect(client, shop)
    response = client.post(page_url(shop, "choose"), {"tiktok_shop": SHOP["id"]})
    assert response.status_code == 400
    assert "linked to another shop of this portal" in response.text


def test_a_reused_state_connects_nothing(signed_in, shop, tiktok, connect_settings):
    state = state_from_connect(signed_in, shop)
    assert callback(signed_in, state).status_code == 302
    TikTokConnection.objects.all().delete()
    replay = callback(signed_in, state)
    assert replay.status_code == 400
    assert "used already" in replay.text
    assert not TikTokConnection.objects.exists()
    assert len(tiktok.calls(TOKEN_GET)) == 1


def test_a_forged_state_connects_nothing(signed_in, shop, tiktok, connect_settings):
    response = callback(signed_in, "made-up-state")
    assert response.status_code == 400
    assert "TikTok Shop was not connected" in response.text
    assert not TikTokConnection.objects.exists()
    assert tiktok.calls(TOKEN_GET) == []


def test_an_expired_state_connects_nothing(signed_in, shop, tiktok, connect_settings):
    state = state_from_connect(signed_in, shop)
    connect_settings.TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS = -1
    response = callback(signed_in, state)
    assert response.status_code == 400 and "took too long" in response.text
    assert not TikTokConnection.objects.exists()


def test_another_users_state_connects_nothing(client, shop, admin, connect_settings):
    client.force_login(admin)
    state = state_from_connect(client, shop)
    other = type(admin).objects.create_user(email="second@example.test", password="x")
    client.force_login(other)
    assert callback(client, state).status_code == 400
    assert not TikTokConnection.objects.exists()


def test_the_callback_needs_a_signed_in_person(client, connect_settings):
    response = callback(client, "anything")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_seller_who_declines_connects_nothing_and_is_audited(
    signed_in, shop, tiktok, connect_settings
):
    state = state_from_connect(signed_in, shop)
    response = callback(signed_in, state, code="null", error="auth_denied")
    assert response.status_code == 400 and "auth_denied" in response.text
    assert not TikTokConnection.objects.exists()
    assert events(AuditAction.TIKTOK_TOKEN_FAILED).get().shop == shop


def test_a_refused_code_connects_nothing_and_is_audited(signed_in, shop, tiktok, connect_settings):
    tiktok.reply(TOKEN_GET, fail(36004004, "invalid auth code"))
    response = connect(signed_in, shop)
    assert response.status_code == 400
    assert "used already or is more than 30 minutes old" in response.text
    assert not TikTokConnection.objects.exists()
    assert events(AuditAction.TIKTOK_TOKEN_FAILED).get().payload["code"] == 36004004


def test_shops_tiktok_does_not_list_are_asked_again_on_the_choose_page(
    signed_in, shop, tiktok, connect_settings
):
    tiktok.reply(SHOPS, b"<html>busy</html>", status=503, times=2)
    response = connect(signed_in, shop)
    assert response["Location"] == page_url(shop, "choose")
    assert signed_in.get(page_url(shop)).status_code == 200  # says "Choose a TikTok shop"
    assert signed_in.get(page_url(shop, "choose")).status_code == 200  # one shop: the form


def test_the_page_lets_connect_continue_to_tiktoks_authorization_page(
    signed_in, shop, tiktok, connect_settings
):
    policy = signed_in.get(page_url(shop))["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert "'self'" in form_action and tiktok.url in form_action


def test_an_authorization_covering_no_shop_says_there_is_nothing_to_link(
    signed_in, shop, tiktok, connect_settings
):
    tiktok.reply(SHOPS, ok({"shops": []}), times=2)
    assert connect(signed_in, shop)["Location"] == page_url(shop, "choose")
    assert (
        "TikTok lists no shop for this authorization"
        in signed_in.get(page_url(shop, "choose")).text
    )
    assert TikTokConnection.objects.get(shop=shop).tiktok_shop_id == ""


def test_the_choose_page_says_when_tiktok_cannot_list_the_shops(
    signed_in, shop, tiktok, connect_settings
):
    tiktok.reply(SHOPS, ok({"shops": [SHOP, SECOND_SHOP]}))
    connect(signed_in, shop)
    tiktok.reply(SHOPS, b"<html>busy</html>", status=503, times=2)
    response = signed_in.get(page_url(shop, "choose"))
    assert response.status_code == 502
    assert "TikTok did not list the shops you authorized" in response.text
    assert TikTokConnection.objects.get(shop=shop).last_error != ""


def test_a_connection_lacking_a_needed_scope_offers_to_connect_again(
    signed_in, shop, tiktok, connect_settings
):
    connect(signed_in, shop)
    TikTokConnection.objects.filter(shop=shop).update(granted_scopes=["seller.authorization.info"])
    page = signed_in.get(page_url(shop)).text
    assert "Missing: Order information (<code>seller.order.info</code>)" in page
    assert ">Connect again</button>" in page


def test_an_administrator_of_two_shops_sees_both_listed(signed_in, admin, shop, other_shop):
    membership_grant(shop=other_shop, user=admin, role="administrator", actor=None)
    response = signed_in.get("/tiktok/")
    assert response.status_code == 200
    assert page_url(other_shop) in response.text and page_url(shop) in response.text
    assert response.text.count("Not connected") == 2
