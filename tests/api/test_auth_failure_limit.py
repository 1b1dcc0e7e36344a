"""Requests without a valid token are limited per client address (API_AUTH_FAILURE_LIMIT):
past the limit a 429 problem with Retry-After, before any token is looked up; other
addresses and the per-token limit are not affected."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import api_get, token_for

pytestmark = pytest.mark.django_db
SHOPS = "/api/v1/shops/"


def _from(address: str, secret: str | None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(REMOTE_ADDR=address).get(SHOPS, headers=headers)


def test_failed_attempts_from_one_address_are_limited(settings, viewer, shop):
    settings.API_AUTH_FAILURE_LIMIT = "3/minute"
    good = token_for(viewer, [shop]).secret
    answers = [
        _from("203.0.113.7", None).status_code,  # no token at all
        _from("203.0.113.7", "sc_pat_nope").status_code,  # not a token of ours
        _from("203.0.113.7", "sc_pat_" + "x" * 40).status_code,
    ]
    assert answers == [401, 401, 401]
    with CaptureQueriesContext(connection) as queries:
        limited = _from("203.0.113.7", "sc_pat_nope")
    assert limited.status_code == 429
    assert len(queries) == 0  # refused before the token is looked up
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    problem = limited.json()
    assert problem["status"] == 429
    assert "Too many requests without a valid token from your address" in problem["detail"]
    # Until the window passes, the address is refused even with a good token; another
    # address is not affected.
    assert _from("203.0.113.7", good).status_code == 429
    assert _from("198.51.100.2", good).status_code == 200
    assert _from("198.51.100.2", "sc_pat_nope").status_code == 401


def test_good_requests_are_not_counted(settings, viewer, shop):
    settings.API_AUTH_FAILURE_LIMIT = "2/minute"
    good = token_for(viewer, [shop]).secret
    for _ in range(5):
        assert _from("203.0.113.9", good).status_code == 200
    assert _from("203.0.113.9", None).status_code == 401


def test_revoked_and_expired_tokens_count_as_failures(settings, viewer, shop):
    from api.services import token_revoke

    settings.API_AUTH_FAILURE_LIMIT = "1/minute"
    made = token_for(viewer, [shop])
    token_revoke(token=made.token, actor=viewer)
    assert api_get(SHOPS, made.secret).status_code == 401
    assert api_get(SHOPS, made.secret).status_code == 429


def test_the_window_passes(settings, viewer, shop, monkeypatch):
    import time

    settings.API_AUTH_FAILURE_LIMIT = "1/minute"
    now = time.time()
    monkeypatch.setattr("api.throttling.AuthFailureLimit.timer", lambda self: now)
    assert _from("203.0.113.5", None).status_code == 401
    assert _from("203.0.113.5", None).status_code == 429
    monkeypatch.setattr("api.throttling.AuthFailureLimit.timer", lambda self: now + 61)
    assert _from("203.0.113.5", None).status_code == 401
