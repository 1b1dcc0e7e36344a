"""The /webhooks/ pages: register (bad input refused with a reason, nothing saved), the secret
shown once, rotate, switch, delete, test, send again; another shop's endpoint is a 404."""

import pytest
from django.urls import reverse

from webhooks.models import Delivery, Endpoint
from webhooks.targets import TargetRefused, target_check

from .helpers import hook

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "shop": "north-shop",
        "url": "https://hooks.example.com/in",
        "events": ["order.created"],
    }
    return {**data, **overrides}


@pytest.fixture
def public_dns(monkeypatch):
    """example.com names resolve to a public documentation-free address; others as asked."""
    import socket

    answers = {"hooks.example.com": "93.184.215.14", "internal.example.com": "10.0.0.7"}

    def lookup(host, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror("unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(client, admin, public_dns):
    client.force_login(admin)
    response = client.post(
        reverse("webhooks:new"), _form(events=["order.created", "refund.decided"])
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 201
    assert endpoint.events == ["order.created", "refund.decided"]
    assert (endpoint.shop.slug, endpoint.created_by, endpoint.enabled) == (
        "north-shop",
        admin,
        True,
    )
    assert endpoint.secret in response.content.decode()  # on the response to the form
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page  # once


def _stored_sessions() -> str:
    """Everything the session store holds, as stored."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    return " ".join(
        str(SessionStore().decode(row.session_data)) + row.session_data
        for row in Session.objects.all()
    )


def test_the_secret_is_never_kept_in_the_session(client, admin, public_dns, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(admin)
    response = client.post(reverse("webhooks:new"), _form(events=["order.created"]))
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    rotated = client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()
    assert "no-store" in rotated["Cache-Control"]
    stored = _stored_sessions()
    assert str(admin.pk) in stored  # the signed-in session, read back…
    assert "whsec_" not in stored  # …holds neither secret
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "ftp://hooks.example.com/in"}, "The URL must start with https://."),
        ({"url": "http://hooks.example.com/in"}, "The URL must start with https://."),
        (
            {"url": "https://user:pw@hooks.example.com/in"},
            "may not contain a user name or password",
        ),
        ({"url": "https://10.1.2.3/in"}, "private or local network address"),
        ({"url": "https://169.254.169.254/latest"}, "private or local network address"),
        # shared address space: neither private nor reserved, yet not the internet
        ({"url": "https://100.100.100.200/latest"}, "private or local network address"),
        ({"url": "https://internal.example.com/in"}, "private or local network address"),
        ({"url": "https://nowhere.example.com/in"}, "could not be found"),
        ({"url": "not a url"}, "The URL needs a host name"),
        ({"events": ["order.deleted"]}, "“order.deleted” is not one of the events listed."),
        ({"events": []}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(
    client, admin, public_dns, overrides, message
):
    client.force_login(admin)
    response = client.post(reverse("webhooks:new"), _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Endpoint.objects.exists()


def test_loopback_over_http_only_where_the_setting_allows_it(settings):
    assert target_check("http://127.0.0.1:8790/ok") == "http://127.0.0.1:8790/ok"
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = False
    with pytest.raises(TargetRefused, match="https://"):
        target_check("http://127.0.0.1:8790/ok")
    with pytest.raises(TargetRefused, match="private or local"):
        target_check("https://127.0.0.1/ok")
    with pytest.raises(TargetRefused, match="private or local"):
        target_check("https://[::1]/ok")


def test_buyer_contact_needs_the_right_to_see_it(client, admin, accountant, shop, public_dns):
    """Only roles that see buyer contact unmasked may ask for it (an administrator may)."""
    client.force_login(admin)
    response = client.post(reverse("webhooks:new"), _form(include_buyer_contact="on"))
    assert response.status_code == 201
    assert Endpoint.objects.get().include_buyer_contact is True


def test_buyer_contact_refused_for_someone_who_may_not_see_it(admin, shop, public_dns):
    from accounts.models import ShopUserObjectPermission
    from webhooks.exceptions import WebhookError
    from webhooks.forms import EndpointForm
    from webhooks.services.endpoints import endpoint_create

    ShopUserObjectPermission.objects.filter(
        user=admin, permission__codename="see_buyer_contact"
    ).delete()
    form = EndpointForm(_form(include_buyer_contact="on"), user=admin)
    assert not form.is_valid()
    assert form.errors["include_buyer_contact"] == [
        "You may not see buyer contact data in this shop, so its webhooks may not either."
    ]
    with pytest.raises(WebhookError):
        endpoint_create(
            user=admin,
            shop=shop,
            url="https://hooks.example.com/in",
            events=["order.created"],
            include_buyer_contact=True,
        )
    assert not Endpoint.objects.exists()


def test_another_shops_endpoint_is_a_404(client, receiver, admin, outsider, other_shop):
    theirs = hook(receiver, outsider, other_shop)
    delivery = Delivery.objects.create(
        endpoint=theirs, event_id="evt_1", event_type="test", body="{}"
    )
    client.force_login(admin)
    assert client.get(reverse("webhooks:detail", args=[theirs.pk])).status_code == 404
    for name in ("rotate", "toggle", "delete", "test"):
        assert client.post(reverse(f"webhooks:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("webhooks:resend", args=[delivery.pk])).status_code == 404
    assert Endpoint.objects.get(pk=theirs.pk).enabled


def test_rotate_shows_a_new_secret_once(client, receiver, admin, shop):
    endpoint = hook(receiver, admin, shop)
    old = endpoint.secret
    client.force_login(admin)
    response = client.post(reverse("webhooks:rotate", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()


def test_switch_off_on_and_delete(client, receiver, admin, shop):
    endpoint = hook(receiver, admin, shop)
    client.force_login(admin)
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason) == (
        False,
        "Switched off by an administrator.",
    )
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    assert Endpoint.objects.get().enabled
    response = client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert response.url == "/webhooks/" and not Endpoint.objects.exists()


def test_the_log_escapes_what_the_endpoint_answered(client, receiver, admin, shop):
    from django.utils import timezone

    from webhooks.models import Attempt

    endpoint = hook(receiver, admin, shop)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id="evt_9", event_type="test", body="{}"
    )
    Attempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=timezone.now(),
        duration_ms=1234,
        status_code=500,
        response_excerpt="<script>alert(1)</script>",
    )
    client.force_login(admin)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "HTTP 500 in 1,234 ms" in page


def test_get_on_an_action_is_refused(client, receiver, admin, shop):
    endpoint = hook(receiver, admin, shop)
    client.force_login(admin)
    assert client.get(reverse("webhooks:rotate", args=[endpoint.pk])).status_code == 405


def test_registering_rotating_switching_and_deleting_are_audited(
    client, receiver, admin, shop, public_dns
):
    from accounts.models import AuditEvent

    client.force_login(admin)
    client.post(reverse("webhooks:new"), _form(include_buyer_contact="on"))
    endpoint = Endpoint.objects.get()
    for name in ("rotate", "toggle", "delete"):
        client.post(reverse(f"webhooks:{name}", args=[endpoint.pk]))
    rows = list(
        AuditEvent.objects.filter(action__startswith="webhook_")
        .order_by("pk")
        .values_list("action", "actor", "shop", "target", "payload")
    )
    url = "https://hooks.example.com/in"
    assert [row[:4] for row in rows] == [
        ("webhook_created", admin.pk, shop.pk, url),
        ("webhook_changed", admin.pk, shop.pk, url),
        ("webhook_changed", admin.pk, shop.pk, url),
        ("webhook_deleted", admin.pk, shop.pk, url),
    ]
    assert [row[4]["what"] for row in rows] == [
        "order.created; with buyer contact",
        "secret rotated",
        "switched off",
        "deleted with its log",
    ]
