"""The processes a load test runs against: gunicorn and one Celery worker, both with the
production settings (plus the statement timer of statements.py), on this process's database,
Redis, media and export folders; stopped whatever happens."""

import os
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import requests
from django.conf import settings

from accounts.enqueue import registered_task
from benchmarks.tiktok_processes import database_url

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "benchmarks.loadtest.settings"


def child_env(*, work: Path, slow_ms: int, pg_options: str) -> dict:
    """Production settings on this process's database and Redis, over plain HTTP on loopback.
    The secret key is new for each run; the sessions are signed with it (mix.py)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # where this process finds the exports' files
        "EXPORT_TMP_DIR": str(settings.EXPORT_TMP_DIR),
        "LOADTEST_SLOW_MS": str(slow_ms),
        "LOADTEST_SLOW_LOG": str(work / "slow.tsv"),
    }
    env.pop("DATABASE_REPLICA_URL", None)  # one database: the one this command reads
    if pg_options:  # libpq reads it: the server logs these connections' slow statements too
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {pg_options}".strip()
    return env


def collect_static(env: dict) -> None:
    """The manifest the production settings serve from, into the run's own folder."""
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def gunicorn_command(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "sellercenter.wsgi:application",
        "--bind", f"{host}:{port}", "--worker-class", "gthread",
        "--workers", str(workers), "--threads", str(threads),
        "--worker-tmp-dir", "/dev/shm" if Path("/dev/shm").is_dir() else "/tmp",  # noqa: S108
        "--log-level", "warning",
    ]  # fmt: skip


def worker_command() -> list[str]:
    """The production worker's queues and concurrency (docker-compose.yml)."""
    return [
        sys.executable, "-m", "celery", "-A", "sellercenter", "worker",
        "--queues", "celery,exports,tracking", "--concurrency", "2", "--loglevel", "WARNING",
        "--without-mingle", "--without-gossip", "--hostname", f"loadtest-{os.getpid()}@%h",
    ]  # fmt: skip


@contextmanager
def _running(name: str, command: list[str], env: dict, log: Path):
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env={**env, "LOADTEST_PROCESS": name}, stdout=out, stderr=out,
            start_new_session=True,  # a Ctrl-C in the terminal reaches this command only
        )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()  # gunicorn and Celery stop their own workers on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(name: str, process: subprocess.Popen, check) -> None:
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the {name} stopped (exit {process.returncode})")
        with suppress(Exception):  # not up yet
            if check():
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {name} did not answer within 120 s")
        time.sleep(0.3)


@contextmanager
def web_and_worker(*, env: dict, base_url: str, gunicorn: list[str], log: Path):
    """gunicorn and the worker for the `with` block, each answering before it starts."""
    ping = registered_task("sellercenter.tasks.ping")
    with ExitStack() as stack:
        web = stack.enter_context(_running("web", gunicorn, env, log))
        worker = stack.enter_context(_running("worker", worker_command(), env, log))
        # Any answer will do: /healthz is 503 until the worker answers.
        _wait("web server", web, lambda: requests.get(f"{base_url}/healthz", timeout=5))
        _wait("worker", worker, lambda: ping.apply_async(expires=10).get(timeout=3))
        yield
