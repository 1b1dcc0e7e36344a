"""The signed single-use OAuth state, the authorization link, and what the connection row keeps
(one portal shop per TikTok shop; no token in its text)."""

from datetime import timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiktok.exceptions import OAuthStateInvalid
from tiktok.models import ConnectionState, OAuthStateUse, TikTokConnection
from tiktok.services.oauth import (
    SALT,
    authorize_url,
    oauth_state_consume,
    oauth_state_issue,
    oauth_states_purge,
)

pytestmark = pytest.mark.django_db


def test_a_state_comes_back_once_with_its_shop(shop, admin):
    state = oauth_state_issue(shop=shop, user=admin)
    assert oauth_state_consume(state=state, user=admin) == shop.pk
    with pytest.raises(OAuthStateInvalid, match="used already"):
        oauth_state_consume(state=state, user=admin)


def test_each_state_is_new(shop, admin):
    assert oauth_state_issue(shop=shop, user=admin) != oauth_state_issue(shop=shop, user=admin)


def test_a_state_issued_to_another_user_is_refused_and_not_used_up(shop, admin, cs_agent):
    state = oauth_state_issue(shop=shop, user=admin)
    with pytest.raises(OAuthStateInvalid, match="another user"):
        oauth_state_consume(state=state, user=cs_agent)
    assert oauth_state_consume(state=state, user=admin) == shop.pk


@pytest.mark.parametrize(
    "forge",
    [
        lambda state: state[:-2] + ("AA" if not state.endswith("AA") else "BB"),
        lambda state: "",
        lambda state: "random-unguessable-string",
        lambda state: signing.dumps({"shop": 1, "user": 1, "nonce": "n"}, salt="other-salt"),
        lambda state: signing.dumps(["not", "a", "dict"], salt=SALT),
        lambda state: signing.dumps({"shop": "1", "user": 1, "nonce": "n"}, salt=SALT),
    ],
)
def test_a_forged_state_is_refused(shop, admin, forge):
    with pytest.raises(OAuthStateInvalid):
        oauth_state_consume(state=forge(oauth_state_issue(shop=shop, user=admin)), user=admin)
    assert not OAuthStateUse.objects.exists()


def test_an_expired_state_is_refused(shop, admin, settings):
    state = oauth_state_issue(shop=shop, user=admin)
    settings.TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS = -1
    with pytest.raises(OAuthStateInvalid, match="too long"):
        oauth_state_consume(state=state, user=admin)


def test_old_used_states_are_purged(shop, admin):
    oauth_state_consume(state=oauth_state_issue(shop=shop, user=admin), user=admin)
    assert oauth_states_purge() == 0
    assert oauth_states_purge(now=timezone.now() + timedelta(hours=1)) == 1


def test_the_authorization_link_takes_the_service_id_and_the_state(settings):
    settings.TIKTOK_SERVICE_ID = "7123456789012345678"
    settings.TIKTOK_APP_KEY = "the-app-key"
    row = authorize_url(market="GB", state="s t/ate")
    us = authorize_url(market="US", state="abc")
    assert row == (
        "https://services.tiktokshop.com/open/authorize"
        "?service_id=7123456789012345678&state=s+t%2Fate"
    )
    assert us.startswith(settings.TIKTOK_AUTHORIZE_URL_US + "?service_id=7123456789012345678")
    assert "the-app-key" not in row + us


def test_a_tiktok_shop_feeds_one_portal_shop(shop, other_shop):
    TikTokConnection.objects.create(shop=shop, tiktok_shop_id="7000714532876273420")
    with pytest.raises(IntegrityError), transaction.atomic():
        TikTokConnection.objects.create(shop=other_shop, tiktok_shop_id="7000714532876273420")


def test_a_disconnected_link_frees_its_tiktok_shop(shop, other_shop):
    TikTokConnection.objects.create(
        shop=shop, tiktok_shop_id="7000714532876273420", state=ConnectionState.DISCONNECTED
    )
    TikTokConnection.objects.create(shop=other_shop, tiktok_shop_id="7000714532876273420")
    TikTokConnection.objects.create(shop=_third_shop(), tiktok_shop_id="")  # none chosen yet


def _third_shop():
    from tests.accounts.factories import ShopFactory

    return ShopFactory(slug="third-shop")


def test_the_connection_text_names_shops_and_state_but_no_token(shop, settings):
    connection = TikTokConnection(shop=shop, tiktok_shop_name="Maomao beauty shop")
    connection.tokens_set(access_token="TTP_secret_access", refresh_token="TTP_secret_refresh")
    connection.save()
    text = str(connection) + repr(connection)
    assert "Maomao beauty shop" in text and "Connected" in text
    assert "TTP_secret" not in text and connection.access_token_encrypted not in text
    assert connection.access_token == "TTP_secret_access"


def test_token_columns_are_not_editable_in_forms():
    fields = {field.name: field for field in TikTokConnection._meta.get_fields()}
    assert not fields["access_token_encrypted"].editable
    assert not fields["refresh_token_encrypted"].editable
