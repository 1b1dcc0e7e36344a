"""An idle session ends SESSION_COOKIE_AGE after its last use, give or take five minutes:
its expiry moves on at most once every five minutes of use, not with a write per request."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_REFRESH_SECONDS

pytestmark = pytest.mark.django_db


def _session_writes(client, path="/orders/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    statements = [q["sql"].lstrip() for q in queries.captured_queries]
    return [sql for sql in statements if "django_session" in sql and not sql.startswith("SELECT")]


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_within_five_minutes_do_not_write_the_session(client, admin):
    client.force_login(admin)
    client.get("/orders/")
    expiry = _expiry(client)
    assert _session_writes(client) == [] and _session_writes(client, "/") == []
    assert _expiry(client) == expiry


def test_use_after_five_minutes_moves_the_expiry_on(client, admin):
    client.force_login(admin)
    client.get("/orders/")
    session = client.session
    session["_refreshed_at"] = int(time.time()) - SESSION_REFRESH_SECONDS - 1
    session.save()
    before = _expiry(client)
    time.sleep(1)
    (write,) = _session_writes(client)
    assert write.lstrip().upper().startswith("UPDATE") and _expiry(client) > before


def test_an_anonymous_visit_creates_no_session(client):
    sessions = Session.objects.count()
    assert client.get("/accounts/login/").status_code == 200
    assert Session.objects.count() == sessions


@pytest.mark.redis
def test_with_redis_a_page_reads_its_session_from_the_cache(client, admin):
    """Sessions are Django's cached_db where Redis is configured: a page reads none of
    django_session, and the row is still written for when the cache loses it."""
    from django.conf import settings

    from tests.conftest import require

    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    client.force_login(admin)
    client.get("/orders/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/orders/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert Session.objects.filter(session_key=client.session.session_key).exists()
