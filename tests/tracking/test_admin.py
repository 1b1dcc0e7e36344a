"""The packages' admin: "poll now" makes parcels due, and the list says when a provider is
degraded."""

import pytest

from orders.models import Package
from tests.tracking.helpers import tracked_package


@pytest.mark.django_db
def test_admin_poll_now_makes_parcels_due(client, superuser, shop, monkeypatch):
    from tracking import tasks

    monkeypatch.setattr(tasks.tracking_dispatch, "delay", lambda: None)
    package = tracked_package(shop, poll_failures=3)
    Package.objects.filter(pk=package.pk).update(next_poll_at=None)
    client.force_login(superuser)
    response = client.post(
        "/admin/orders/package/",
        {"action": "poll_now", "_selected_action": [package.pk]},
        follow=True,
    )
    assert "1 parcel(s) will be polled" in response.content.decode()
    package.refresh_from_db()
    assert package.next_poll_at is not None and package.poll_failures == 0


@pytest.mark.django_db
def test_admin_says_when_a_provider_is_degraded(client, superuser):
    from django.core.cache import cache

    from tracking.services.poll import FAILURES_TO_PAUSE

    client.force_login(superuser)
    assert "degraded" not in client.get("/admin/orders/package/").content.decode()
    cache.set("tracking:health:simulator", FAILURES_TO_PAUSE, timeout=60)
    page = client.get("/admin/orders/package/").content.decode()
    assert "Tracking provider simulator is degraded" in page
