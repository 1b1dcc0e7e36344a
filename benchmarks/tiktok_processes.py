"""The processes the TikTok benchmarks run besides their own: the simulator (forked, so its
orders are not in the measured process's memory), and for the webhook case a web server and
one Celery worker started as production starts them, on the benchmark's database and broker."""

import multiprocessing
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import requests
from celery import current_app
from django.db import connection, connections

from accounts.enqueue import registered_task
from demo.tiktok_simulator import (
    SIMULATOR_APP_KEY,
    SIMULATOR_APP_SECRET,
    SIMULATOR_SERVICE_ID,
    simulator_server,
)

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "var" / "benchmark-tiktok.log"  # the server's and the worker's output


def simulated_settings(base: str) -> dict:
    """The portal's TikTok settings for the simulator at `base`."""
    return {
        "TIKTOK_APP_KEY": SIMULATOR_APP_KEY,
        "TIKTOK_APP_SECRET": SIMULATOR_APP_SECRET,
        "TIKTOK_SERVICE_ID": SIMULATOR_SERVICE_ID,
        "TIKTOK_API_HOST": base,
        "TIKTOK_AUTH_HOST": base,
        "TIKTOK_AUTHORIZE_URL": f"{base}/open/authorize",
        "TIKTOK_AUTHORIZE_URL_US": f"{base}/open/authorize",
    }


def _simulate(options: dict, start: bool, ready) -> None:
    try:
        server, sim = simulator_server(**options)
        if start:  # its clock and its webhook sender
            sim.start()
        ready.put(server.server_address[1])
    except BaseException as error:  # the parent raises it instead of waiting
        ready.put(RuntimeError(f"the simulator did not start: {error!r}"))
        return
    server.serve_forever()


class SimulatorProcess:
    """`with SimulatorProcess(**simulator_build options) as sim:` serves at `sim.base`."""

    def __init__(self, *, start: bool = False, **options):
        self.options, self.start = options, start
        self.base = ""
        self.process = None

    def __enter__(self) -> "SimulatorProcess":
        connections.close_all()  # the fork must not share the parent's connection
        context = multiprocessing.get_context("fork")
        ready = context.Queue()
        self.process = context.Process(
            target=_simulate, args=(self.options, self.start, ready), daemon=True
        )
        self.process.start()
        port = ready.get(timeout=1800)  # a large back-log takes a while to build
        if isinstance(port, Exception):
            raise port
        self.base = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.join(timeout=10)

    def control(self, path: str, **query) -> dict:
        """POST to one of the simulator's own /simulator/ endpoints; its answer's data."""
        answer = requests.post(f"{self.base}/simulator/{path}", params=query, timeout=30)
        answer.raise_for_status()
        return answer.json()["data"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The database this process uses, as a URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


QUEUE = f"benchmark-{os.getpid()}"  # the case's own: no other worker on the broker takes its tasks


@contextmanager
def own_queue():
    """This process's unrouted tasks go to QUEUE for the block, and QUEUE is emptied after:
    a task the benchmark causes (connecting queues the shop's first sync) is taken by the
    case's own worker or by none, never by another worker on the same broker."""
    conf = current_app.conf
    before, conf.task_default_queue = conf.task_default_queue, QUEUE
    try:
        yield
    finally:
        conf.task_default_queue = before
        with current_app.connection_for_write() as broker:
            broker.default_channel.queue_purge(QUEUE)


def portal_env(simulator: str) -> dict:
    """The environment of a portal process on this database, talking to `simulator`, its
    unrouted tasks sent to (and taken from) QUEUE."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DJANGO_DEBUG": "false",  # as production runs
        "DATABASE_URL": database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        **simulated_settings(simulator),
    }


@contextmanager
def running(command: list[str], env: dict):
    """A process started for the `with` block and stopped after it."""
    LOG.parent.mkdir(exist_ok=True)
    with LOG.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def web_command(port: int) -> list[str]:
    """gunicorn with the gthread worker class docs/operations.md chose, on `port`: one process
    of four threads, so that the warm-up in `wait_ready` warms all of it (a cold process's
    first webhook can outlast the simulator's 3 s, and TikTok retries only minutes later)."""
    return [
        sys.executable, "-m", "gunicorn", "sellercenter.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", "1", "--threads", "4", "--log-level", "warning",
    ]  # fmt: skip


def worker_command() -> list[str]:
    """One worker process on QUEUE, where the server sends the TikTok tasks."""
    return [
        sys.executable, "-m", "celery", "-A", "sellercenter", "worker", "--pool", "solo",
        "--queues", QUEUE, "--loglevel", "INFO",  # the tasks it ran, in the log
        "--without-mingle", "--without-gossip", "--hostname", f"bench-{os.getpid()}@%h",
    ]  # fmt: skip


def _warm(url: str, webhook: str) -> bool:
    """The page answers, and an unsigned notification is refused (its view is loaded)."""
    return requests.get(url, timeout=5).ok and requests.post(webhook, timeout=5).status_code == 401


def wait_ready(server: subprocess.Popen, url: str, webhook: str, worker: subprocess.Popen):
    """Until the server answers `url` and `webhook`, and the worker a ping through the broker."""
    ping = registered_task("sellercenter.tasks.ping")
    deadline = time.monotonic() + 120
    for name, process, check in (
        ("web server", server, lambda: _warm(url, webhook)),
        ("worker", worker, lambda: ping.apply_async(expires=10, queue=QUEUE).get(timeout=3)),
    ):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the {name} stopped (exit {process.returncode}); see {LOG}")
            with suppress(Exception):  # not up yet
                if check():
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {name} did not answer within 120 s; see {LOG}")
            time.sleep(0.2)
