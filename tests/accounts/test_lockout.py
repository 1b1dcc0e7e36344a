"""Lockout after repeated failed sign-ins (django-axes), with a clear page and an audit trail."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from accounts.models import AuditEvent
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _attempt(client, email, password="wrong-password", **extra):  # noqa: S107
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_five_failures_lock_the_account_from_that_address(client, viewer):
    for _ in range(4):
        assert _attempt(client, viewer.email).status_code == 200
    locked = _attempt(client, viewer.email)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Sign-in paused" in body and "15 minutes" in body
    # Even the right password is refused while locked.
    assert _attempt(client, viewer.email, PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="locked_out", actor_email=viewer.email).exists()


def test_another_address_is_not_locked_out(client, viewer):
    for _ in range(5):
        _attempt(client, viewer.email)
    response = _attempt(client, viewer.email, PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302


def test_unlocking_in_admin_lets_the_user_in_again(client, superuser, viewer):
    for _ in range(5):
        _attempt(client, viewer.email)
    attempt = AccessAttempt.objects.get(username=viewer.email)
    admin = type(client)()
    admin.force_login(superuser)
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _attempt(client, viewer.email, PASSWORD).status_code == 302


@override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR"], AXES_IPWARE_PROXY_COUNT=1
)
def test_behind_a_proxy_the_configured_header_names_the_client(client, viewer):
    _attempt(client, viewer.email, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.ip_address == "203.0.113.7"


def test_a_forwarded_header_is_ignored_without_a_trusted_proxy(client, viewer):
    _attempt(client, viewer.email, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEvent.objects.get(action="login_failed").ip_address == "127.0.0.1"
