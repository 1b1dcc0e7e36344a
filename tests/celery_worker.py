"""A real Celery worker process for tests, on the broker the settings name (Redis in CI)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.tiktok_processes import database_url

ROOT = Path(__file__).resolve().parent.parent
# One log per xdist worker (celery-worker-gw0.log, …; celery-worker.log in a serial run).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
LOG = ROOT / "test-output" / (f"celery-worker-{_WORKER}.log" if _WORKER else "celery-worker.log")


def start_worker(
    *,
    queues: str = "celery,exports,tracking",
    name: str = "test",
    env: dict | None = None,
    options: list[str] | None = None,
) -> subprocess.Popen:
    """A worker process on the test database; `env` adds settings (e.g. a tiny batch size);
    `options` replace the solo pool on `queues` (a production worker's own options)."""
    LOG.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellercenter.settings.test",
        "DATABASE_URL": database_url(),
        **(env or {}),
    }
    with LOG.open("ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sellercenter",
                "worker",
                *(options or ["--pool", "solo", "--queues", queues]),
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                worker_hostname(name),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def worker_hostname(name: str = "test") -> str:
    """The node name a worker started here answers remote control under."""
    return f"{name}-{os.getpid()}@{socket.gethostname()}"


def wait_until_idle(
    *, name: str = "test", queues: str = "celery,exports,tracking", timeout: float = 60
) -> bool:
    """Wait until the worker has nothing running, prefetched or queued, so a test's teardown
    (which empties every table) never races a task still writing: a task's after-commit work
    (roll-ups, file clean-up) runs after the job it belongs to already reads as finished.
    A solo worker answers remote control only between tasks. Only Redis carries remote
    control; on the embedded broker this returns at once. False when still busy at the end."""
    from django.conf import settings

    from sellercenter.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return True
    node = worker_hostname(name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reserved = app.control.inspect(destination=[node], timeout=1).reserved() or {}
        if reserved.get(node) == [] and not _queued(app, queues.split(",")):
            return True
        time.sleep(0.1)
    return False


def _queued(app, queues: list[str]) -> int:
    """Messages waiting on `queues` (a queue Redis holds no key for is empty)."""
    waiting = 0
    with app.connection_for_read() as connection:
        for queue in queues:
            try:
                waiting += connection.default_channel.queue_declare(
                    queue, passive=True
                ).message_count
            except connection.channel_errors:
                continue
    return waiting


def wait_until_ready(
    process: subprocess.Popen, *, timeout: float = 60, queue: str | None = None
) -> None:
    """Ping through the broker until the worker answers; fail with its log otherwise."""
    from sellercenter.tasks import ping

    deadline, failure = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early; see {LOG}:\n{LOG.read_text()[-2000:]}")
        try:
            if ping.apply_async(expires=10, queue=queue).get(timeout=3) == "pong":
                return
        except Exception as error:  # not up yet; try again until the deadline
            failure = error
            time.sleep(0.2)  # an error at once (not a timeout) must not flood the queue
    raise RuntimeError(
        f"Celery worker did not answer within {timeout}s (last: {failure!r}); see {LOG}"
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition, what: str, seconds: float = 30) -> None:
    """Poll `condition` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.1)
