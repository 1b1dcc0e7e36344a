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


# The names queued messages, beat entries and queue routes know; a module move must keep them.
TASK_NAMES = {
    "orders.tasks.tracking_dispatch",
    "orders.tasks.tracking_poll_batch",
    "orders.tasks.tracking_start_task",
    "orders.tasks.tracking_webhook_apply",
    "orders.tasks.import_run_task",
    "orders.tasks.import_recover_task",
    "orders.tasks.import_expire_task",
}


def test_task_names_survive_the_move_into_their_apps():
    from django.conf import settings

    from sellercenter.celery import app

    app.loader.import_default_modules()
    assert set(app.tasks) >= TASK_NAMES
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry
    tracking = {name for name in TASK_NAMES if name.startswith("orders.tasks.tracking_")}
    assert {app.amqp.router.route({}, name)["queue"].name for name in tracking} == {"tracking"}
