"""Services enqueue a task by its registered name (`accounts.enqueue.registered_task`): in a web
process that never imported a tasks module, eagerly when Celery is told so, through the broker
to a real worker, and only once the transaction commits where the service says so."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.db import transaction

from accounts.enqueue import registered_task
from tests.celery_worker import ROOT

FRESH_PROCESS = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from celery import current_app
    from accounts.enqueue import registered_task
    from exports.jobs import EXPORT_RUN
    from imports.jobs import IMPORT_RUN
    from orders.services.fulfilment import TRACKING_START
    from tracking.services.dispatch import TRACKING_DISPATCH, TRACKING_POLL_BATCH
    from tracking.services.webhooks import TRACKING_WEBHOOK_APPLY

    ours = {"exports.tasks", "imports.tasks", "tracking.tasks", "sellercenter.tasks"}
    assert not ours & set(sys.modules), ours & set(sys.modules)
    names = [EXPORT_RUN, IMPORT_RUN, TRACKING_DISPATCH, TRACKING_POLL_BATCH, TRACKING_START,
             TRACKING_WEBHOOK_APPLY]
    assert [registered_task(name).name for name in names] == names
    current_app.conf.task_always_eager = True
    assert registered_task("sellercenter.tasks.ping").delay().get(timeout=5) == "pong"
    try:
        registered_task("exports.tasks.no_such_task")
    except KeyError:
        print("ok")
    """
)


def _in_a_fresh_process(script: str) -> str:
    """What `script` prints, run in a new Python process with the test settings."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sellercenter.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_web_process_finds_every_enqueued_task_by_name_and_eager_mode_runs_it():
    """Nothing in a fresh process imported the tasks modules; the look-up does, `.delay` keeps
    `task_always_eager` (which `send_task` would not), and a misspelt name fails at once."""
    assert _in_a_fresh_process(FRESH_PROCESS) == "ok"


THREADS_AT_ONCE = textwrap.dedent(
    """
    import threading
    import django
    django.setup()
    from accounts.enqueue import registered_task
    from exports.jobs import EXPORT_RUN

    start, found = threading.Barrier(4), []
    def look_up():
        start.wait()
        try:
            found.append(registered_task(EXPORT_RUN).name)
        except Exception as exc:
            found.append(repr(exc))
    threads = [threading.Thread(target=look_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(found)
    """
)


def test_threads_of_a_fresh_web_process_looking_up_a_task_at_once_all_find_it():
    """gthread serves two first requests at once: each look-up finds the task, none sees the
    other's imports half done (NotRegistered, a 500 on the second of two exports started
    together)."""
    assert _in_a_fresh_process(THREADS_AT_ONCE) == str(["exports.tasks.export_run"] * 4)


def test_each_name_a_service_enqueues_is_its_tasks_own():
    from exports import tasks as export_tasks
    from exports.jobs import EXPORT_RUN
    from imports import tasks as import_tasks
    from imports.jobs import IMPORT_RUN
    from orders.services import fulfilment
    from tracking import tasks as tracking_tasks
    from tracking.services import dispatch, webhooks

    pairs = [
        (EXPORT_RUN, export_tasks.export_run),
        (IMPORT_RUN, import_tasks.import_run_task),
        (dispatch.TRACKING_DISPATCH, tracking_tasks.tracking_dispatch),
        (dispatch.TRACKING_POLL_BATCH, tracking_tasks.tracking_poll_batch),
        (fulfilment.TRACKING_START, tracking_tasks.tracking_start_task),
        (webhooks.TRACKING_WEBHOOK_APPLY, tracking_tasks.tracking_webhook_apply),
    ]
    for name, task in pairs:
        assert registered_task(name) is task._get_current_object()


@pytest.mark.django_db
def test_an_enqueue_on_commit_waits_for_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    from exports.jobs import EXPORT_RUN, export_enqueue

    sent = []
    monkeypatch.setattr(registered_task(EXPORT_RUN), "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        export_enqueue(7)
        assert sent == []
    assert len(callbacks) == 1 and sent == [7]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_by_name_runs_on_a_real_worker(celery_worker):
    assert registered_task("sellercenter.tasks.ping").delay().get(timeout=15) == "pong"
