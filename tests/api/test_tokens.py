"""Tokens made, kept hashed, revoked, audited; the operators' command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditAction, AuditEvent
from api.models import ApiToken
from api.services import token_revoke
from api.token_secrets import secret_hash
from tests.api.helpers import api_get, token_for


@pytest.mark.django_db
def test_a_token_is_kept_only_as_its_hash(viewer, shop):
    created = token_for(viewer, [shop], expires_days=30)
    row = ApiToken.objects.get()
    assert created.secret.startswith(f"sc_pat_{row.lookup}_")
    assert len(created.secret) > 50
    assert row.secret_hash == secret_hash(created.secret)
    assert created.secret not in str(ApiToken.objects.values().get())
    assert row.shown == f"sc_pat_{row.lookup}…"
    assert (row.expires_at - row.created_at).days == 30


@pytest.mark.django_db
def test_creation_and_revocation_are_audited_per_shop(admin, shop, other_shop):
    from accounts.services import membership_grant

    membership_grant(shop=other_shop, user=admin, role="viewer", actor=None)
    AuditEvent.objects.all().delete()
    created = token_for(admin, [shop, other_shop])
    created_events = AuditEvent.objects.filter(action=AuditAction.API_TOKEN_CREATED)
    assert sorted(created_events.values_list("shop__slug", flat=True)) == [
        "north-shop",
        "south-shop",
    ]
    assert created_events.first().target == created.token.shown
    assert token_revoke(token=created.token, actor=admin) is True
    assert token_revoke(token=created.token, actor=admin) is False  # once
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 2
    assert api_get("/api/v1/shops/", created.secret).status_code == 401


@pytest.mark.django_db
def test_the_command_prints_a_working_token_once(viewer, shop):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token_create",
        user=viewer.email,
        shop=shop.slug,
        scopes="orders:read",
        expires_days=7,
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    assert secret.startswith("sc_pat_") and "\n" not in secret
    assert "It is shown once" in err.getvalue()
    assert api_get("/api/v1/shops/", secret).status_code == 200
    assert ApiToken.objects.get().scopes == ["orders:read"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "nobody@example.test"}, "No user with email 'nobody@example.test'."),
        ({"shop": "nowhere"}, "No shop with slug 'nowhere'."),
        ({"scopes": "orders:write"}, "Unknown scope orders:write; expected some of"),
        ({"scopes": ","}, "Name at least one scope"),
        ({"expires_days": 0}, "A token expires after 1 to 366 days."),
        ({"shop": "south-shop"}, "viewer@example.test may not view orders in South Shop."),
    ],
)
def test_the_command_refuses_bad_input_in_a_sentence(viewer, shop, other_shop, options, message):
    arguments = {"user": viewer.email, "shop": shop.slug, "scopes": "orders:read"} | options
    with pytest.raises(CommandError) as refused:
        call_command("api_token_create", stdout=StringIO(), stderr=StringIO(), **arguments)
    assert str(refused.value).startswith(message)
    assert not ApiToken.objects.exists()
