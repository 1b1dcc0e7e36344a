"""An export started through the API, written by a real Celery worker on the test broker
(Redis in CI), polled until ready and downloaded: the journey docs/api.md shows."""

import json
import time

import pytest
from django.test import Client

from api.scopes import Scope
from orders.models import OrderLine
from tests.api.helpers import api_get, token_for
from tests.exports.helpers import as_dicts, csv_rows
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_start_poll_download_through_the_worker(celery_worker, accountant, shop):
    for _ in range(5):
        OrderFactory(shop=shop, status="DELIVERED")
    secret = token_for(accountant, [shop], [Scope.EXPORTS_READ, Scope.EXPORTS_WRITE]).secret
    created = Client().post(
        "/api/v1/exports/",
        json.dumps({"filters": {"status": "DELIVERED"}}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert created.status_code == 201, created.content
    job = created.json()
    deadline = time.monotonic() + 60
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = api_get(job["url"], secret).json()
    assert job["status"] == "done", job
    assert job["percent"] == 100 and job["download_url"]
    download = api_get(job["download_url"], secret)
    rows = as_dicts(csv_rows(b"".join(download.streaming_content)))
    lines = OrderLine.objects.filter(order__shop=shop, order__status="DELIVERED")
    assert len(rows) == job["rows_total"] == lines.count() > 0
    assert all("***" in row["Buyer Username"] for row in rows if row["Buyer Username"])
