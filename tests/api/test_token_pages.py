"""The API tokens page: a token made and shown once, listed, revoked; a shop administrator
sees and revokes the tokens of their shop's members, and nobody else's."""

import re

import pytest

from api.models import ApiToken
from tests.api.helpers import api_get, token_for

PAGE = "/accounts/tokens/"


def _secret_shown(response) -> str | None:
    found = re.search(r'id="token-secret">(sc_pat_[^<]+)<', response.content.decode())
    return found.group(1) if found else None


@pytest.mark.django_db
def test_a_member_makes_a_token_sees_it_once_and_revokes_it(client, viewer, shop):
    client.force_login(viewer)
    response = client.post(
        PAGE,
        {"name": "Warehouse sync", "shops": [shop.pk], "scopes": ["orders:read"], "expires": "30"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    secret = _secret_shown(response)
    assert secret and api_get("/api/v1/shops/", secret).status_code == 200

    listed = client.get(PAGE)
    html = listed.content.decode()
    assert _secret_shown(listed) is None and secret not in html  # never again
    token = ApiToken.objects.get()
    assert "Warehouse sync" in html and token.shown in html and "Read orders" in html

    revoked = client.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert "Revoked “Warehouse sync”. It no longer works." in revoked.content.decode()
    assert api_get("/api/v1/shops/", secret).status_code == 401


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_message(client, viewer, shop, other_shop):
    client.force_login(viewer)
    response = client.post(PAGE, {"name": "", "scopes": ["orders:read"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and "Choose at least one shop." in html
    response = client.post(PAGE, {"name": "x", "shops": [other_shop.pk], "scopes": ["orders:read"]})
    assert response.status_code == 400  # not one of the viewer's shops: not a choice
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_an_administrator_sees_and_revokes_a_members_token(client, admin, viewer, shop):
    created = token_for(viewer, [shop], name="Viewer’s script")
    client.force_login(admin)
    html = client.get(PAGE).content.decode()
    assert "Tokens of your shops’ members" in html and "Viewer’s script" in html
    assert viewer.email in html
    client.post(f"{PAGE}{created.token.pk}/revoke/")
    created.token.refresh_from_db()
    assert created.token.revoked_by == admin
    assert api_get("/api/v1/shops/", created.secret).status_code == 401


@pytest.mark.django_db
def test_nobody_else_sees_or_revokes_a_token(client, accountant, viewer, outsider, shop):
    created = token_for(viewer, [shop], name="Viewer’s script")
    for person in (accountant, outsider):
        client.force_login(person)
        assert "Viewer’s script" not in client.get(PAGE).content.decode()
        assert client.post(f"{PAGE}{created.token.pk}/revoke/").status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


@pytest.mark.django_db
def test_the_form_offers_every_scope_in_words_and_each_works(client, accountant, shop):
    """Every scope the form offers has endpoints now; the page says what each allows."""
    client.force_login(accountant)
    html = client.get(PAGE).content.decode()
    for words in (
        "Read orders",
        "Follow and download exports",
        "Start exports",
        "Read sales figures",
        "start and download exports and read the sales figures",
        "exports need the permission to export orders",
    ):
        assert words in html
    assert "coming" not in html.lower()
    response = client.post(
        PAGE,
        {
            "name": "Books",
            "shops": [shop.pk],
            "scopes": ["exports:read", "insights:read"],
            "expires": "30",
        },
    )
    secret = _secret_shown(response)
    assert api_get("/api/v1/exports/", secret).status_code == 200
    assert api_get("/api/v1/insights/", secret).status_code == 200
    assert api_get("/api/v1/orders/", secret).status_code == 403
