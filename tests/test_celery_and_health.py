"""A round trip through a real Celery worker, and /healthz reporting on every part."""

import pytest
from django.core.cache import cache

from sellercenter.celery import app
from sellercenter.tasks import BEAT_HEARTBEAT_KEY, beat_heartbeat, ping

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_round_trip_through_a_real_worker(celery_worker):
    assert ping.delay().get(timeout=15) == "pong"


def test_worker_writes_what_the_web_process_reads(celery_worker):
    cache.delete(BEAT_HEARTBEAT_KEY)
    stamp = beat_heartbeat.delay().get(timeout=15)
    assert cache.get(BEAT_HEARTBEAT_KEY) == stamp


def test_healthz_is_ok_when_database_broker_and_worker_answer(client, celery_worker):
    beat_heartbeat.delay().get(timeout=15)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }
    assert body["beat"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def broker_down():
    """Point the app at a port where nothing listens, then put it back."""
    keys = ("broker_url", "broker_transport_options")
    original = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport_options={})
    yield
    app.conf.update(original)


def test_healthz_is_503_and_names_the_broker_when_it_is_down(client, broker_down):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False and body["checks"]["broker"]["error"]
    assert body["checks"]["worker"] == {"ok": False, "error": "broker unavailable"}
