"""Who gets in: a Bearer token that is ours, unexpired, unrevoked, of an active owner who
still holds the permission now. Nothing else, not even a signed-in session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import membership_grant, membership_revoke
from api.models import ApiToken
from api.scopes import Scope
from tests.api.helpers import api_get, token_for
from tests.orders.factories import OrderFactory

SHOPS = "/api/v1/shops/"


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status
    return body


@pytest.mark.django_db
def test_a_valid_token_reads_its_shops(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    response = api_get(SHOPS, secret)
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "slug": "north-shop",
                "name": "North Shop",
                "market": "US",
                "currency": "USD",
                "timezone": "America/Los_Angeles",
            }
        ]
    }
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "Bearer sc_pat_nothing_here", "Bearer not-ours", "Token abc", "Bearer "],
)
def test_missing_or_unknown_tokens_get_401_with_the_bearer_challenge(client, viewer, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(SHOPS, headers=headers)
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_altered_secret_gets_401(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    altered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    _problem(api_get(SHOPS, altered), 401)


@pytest.mark.django_db
def test_an_expired_token_gets_401(viewer, shop):
    created = token_for(viewer, [shop], expires_days=30)
    ApiToken.objects.filter(pk=created.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    body = _problem(api_get(SHOPS, created.secret), 401)
    assert body["detail"] == "That token has expired."


@pytest.mark.django_db
def test_a_revoked_token_gets_401(viewer, shop):
    created = token_for(viewer, [shop])
    ApiToken.objects.filter(pk=created.token.pk).update(revoked_at=timezone.now())
    body = _problem(api_get(SHOPS, created.secret), 401)
    assert body["detail"] == "That token has been revoked."


@pytest.mark.django_db
def test_an_inactive_owners_token_stops(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    _problem(api_get(SHOPS, secret), 401)


@pytest.mark.django_db
def test_a_signed_in_session_is_not_accepted(client, admin, shop):
    client.force_login(admin)
    response = client.get(SHOPS)
    _problem(response, 401)


@pytest.mark.django_db
def test_a_role_removed_takes_effect_at_once(viewer, shop):
    order = OrderFactory(shop=shop)
    secret = token_for(viewer, [shop]).secret
    assert api_get(f"/api/v1/orders/{order.order_id}/", secret).status_code == 200
    membership_revoke(shop=shop, user=viewer, actor=None)
    body = _problem(api_get(f"/api/v1/orders/{order.order_id}/", secret), 403)
    assert "may not use “orders:read” (read orders) in any shop" in body["detail"]


@pytest.mark.django_db
def test_a_role_change_changes_the_masking_at_once(accountant, shop):
    order = OrderFactory(shop=shop, recipient_name="Jane Doe")
    secret = token_for(accountant, [shop]).secret
    path = f"/api/v1/orders/{order.order_id}/"
    assert api_get(path, secret, fields="recipient_name").json() == {"recipient_name": "J*** D***"}
    membership_grant(shop=shop, user=accountant, role=Role.FULFILMENT, actor=None)
    assert api_get(path, secret, fields="recipient_name").json() == {"recipient_name": "Jane Doe"}


@pytest.mark.django_db
def test_a_token_without_the_scope_gets_403(accountant, shop):
    secret = token_for(accountant, [shop], scopes=[Scope.EXPORTS_READ]).secret
    body = _problem(api_get(SHOPS, secret), 403)
    assert body["detail"] == "This token lacks the “orders:read” scope."


@pytest.mark.django_db
def test_another_shops_order_and_an_uncovered_shop_are_404(admin, shop, other_shop, outsider):
    theirs = OrderFactory(shop=other_shop)
    mine_elsewhere = OrderFactory(shop=other_shop)
    membership_grant(shop=other_shop, user=admin, role=Role.VIEWER, actor=None)
    secret = token_for(admin, [shop]).secret  # covers north only
    _problem(api_get(f"/api/v1/orders/{theirs.order_id}/", secret), 404)
    _problem(api_get(f"/api/v1/orders/{mine_elsewhere.order_id}/", secret), 404)
    _problem(api_get("/api/v1/orders/", secret, shop=other_shop.slug), 404)
    _problem(api_get("/api/v1/orders/", secret, shop="no-such-shop"), 404)
    listed = api_get("/api/v1/orders/", secret).json()["results"]
    assert {row["shop"] for row in listed} <= {"north-shop"}


@pytest.mark.django_db
def test_a_shop_that_requires_two_factor_is_read_only_by_an_owner_who_has_it(viewer, shop):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secret = token_for(viewer, [shop]).secret
    shop.require_two_factor = True
    shop.save(update_fields=["require_two_factor"])
    body = _problem(api_get(SHOPS, secret), 403)
    assert "may not use “orders:read” (read orders) in any shop" in body["detail"]
    TOTPDevice.objects.create(user=viewer, name="Phone", confirmed=True)
    assert api_get(SHOPS, secret).status_code == 200
