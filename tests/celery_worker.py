"""A real Celery worker process for tests, on the broker the settings name (Redis in CI)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.tiktok_processes import database_url

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "test-output" / "celery-worker.log"


def start_worker(
    *, queues: str = "celery,exports,tracking", name: str = "test", env: dict | None = None
) -> subprocess.Popen:
    """A worker process on the test database; `env` adds settings (e.g. a tiny batch size)."""
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
                "--pool",
                "solo",
                "--queues",
                queues,
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"{name}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until_ready(
    process: subprocess.Popen, *, timeout: float = 60, queue: str | None = None
) -> None:
    """Ping through the broker until the worker answers; fail with its log otherwise."""
    from sellercenter.tasks import ping

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early; see {LOG}:\n{LOG.read_text()[-2000:]}")
        try:
            if ping.apply_async(expires=10, queue=queue).get(timeout=3) == "pong":
                return
        except Exception:  # noqa: S112 - not up yet; try again until the deadline
            continue
    raise RuntimeError(f"Celery worker did not answer within {timeout}s; see {LOG}")


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
