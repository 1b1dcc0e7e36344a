"""/healthz reports each TikTok connection's sync lag and failure, and never fails on them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tiktok.models import ConnectionState, TikTokConnection


@pytest.fixture(autouse=True)
def _no_long_wait_for_a_worker(settings):
    """These read the TikTok part of /healthz; no worker runs, so its ping gives up soon."""
    settings.HEALTHZ_WORKER_TIMEOUT = 0.5


def test_healthz_reports_lag_and_failure_per_connection_without_names(client, shop, other_shop):
    now = timezone.now()
    lagging = TikTokConnection.objects.create(
        shop=shop,
        tiktok_shop_id="7000714532876273420",
        tiktok_shop_name="Secret Shop Name",
        state=ConnectionState.CONNECTED,
        sync_cursor=now - timedelta(minutes=5),
        last_synced_at=now - timedelta(minutes=4),
        last_error="TikTok answered 503",
        last_error_at=now - timedelta(minutes=1),
    )
    TikTokConnection.objects.create(
        shop=other_shop, tiktok_shop_id="", state=ConnectionState.CONNECTED
    )  # connected but no TikTok shop chosen yet: nothing to report

    body = client.get("/healthz").json()

    connections = body["tiktok"]["connections"]
    assert list(connections) == [str(lagging.pk)]
    report = connections[str(lagging.pk)]
    assert report["state"] == "connected" and report["failing"] is True
    assert 295 <= report["lag_seconds"] <= 360  # the probe may wait for a worker first
    assert "Secret Shop Name" not in str(body) and "503" not in str(body["tiktok"])


def test_a_connection_synced_after_its_last_error_is_not_failing(client, shop):
    now = timezone.now()
    connection = TikTokConnection.objects.create(
        shop=shop,
        tiktok_shop_id="7000714532876273420",
        state=ConnectionState.CONNECTED,
        sync_cursor=now,
        last_synced_at=now,
        last_error_at=now - timedelta(hours=1),
    )
    report = client.get("/healthz").json()["tiktok"]["connections"][str(connection.pk)]
    assert report["failing"] is False and report["lag_seconds"] < 60
