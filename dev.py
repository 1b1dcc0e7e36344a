#!/usr/bin/env python3
"""One entry point for a newcomer's machine; needs only Python 3.11+.

    python3 dev.py run    install, migrate, seed an empty database, start web, worker, beat
                          and the simulated carrier and TikTok Shop (the demo US shop connected)
    python3 dev.py test   install, then run the whole test suite on several workers (extra
                          args go to pytest; `-n 0` runs it in one process)

Both are idempotent: the virtual environment is reused while pyproject.toml and
constraints.txt are unchanged, migrations and the demo seed only add what is missing.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def run(*args, **kwargs) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def install() -> None:
    """Create .venv and install the pinned dependencies, unless they are already there."""
    if sys.version_info < (3, 11):
        sys.exit(f"Seller Center needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256(
        b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "constraints.txt"))
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        say(f"Creating a virtual environment in {VENV.name}/")
        venv.create(VENV, with_pip=True)
    say("Installing pinned dependencies (first run only)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[dev]")
    STAMP.write_text(wanted)


def manage(*args: str) -> None:
    run(PYTHON, "manage.py", *args)


def manage_quietly(*args: str) -> int:
    """A management command whose failure the demo survives: its exit code."""
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT).returncode


TIKTOK_SIMULATOR_PORT = "8766"


def _tiktok_simulator_env() -> dict:
    """The TikTok app settings that point the portal at `manage.py tiktok_simulator` (its
    public demo credentials, docs/tiktok-simulator.md); set them yourself to use another."""
    host = f"http://127.0.0.1:{TIKTOK_SIMULATOR_PORT}"
    return {
        "TIKTOK_APP_KEY": "simulator-app-key",
        "TIKTOK_APP_SECRET": "simulator-app-secret",
        "TIKTOK_SERVICE_ID": "7000000000000000001",
        "TIKTOK_API_HOST": host,
        "TIKTOK_AUTH_HOST": host,
        "TIKTOK_AUTHORIZE_URL": f"{host}/open/authorize",
        "TIKTOK_AUTHORIZE_URL_US": f"{host}/open/authorize",
    }


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve() -> int:
    """Migrate, seed if empty, then run web, worker, beat and the simulators until Ctrl-C."""
    signal.signal(signal.SIGINT, _interrupt)  # also when started from a script that ignores it
    signal.signal(signal.SIGTERM, _interrupt)
    install()
    # The embedded default for every process started below, Celery's included (whose own
    # default is production, like the web server's).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings.local")
    say("Applying migrations")
    manage("migrate", "--noinput", "--verbosity", "0")
    say("Preparing demo data (only when the database is empty)")
    manage("seed_demo", "--if-empty")
    port = os.environ.get("PORT", "8000")
    from webhooks.worker import worker_options  # plain Python: the production options

    # The demo's TikTok Shop is the simulator: every process below talks to it.
    for name, value in _tiktok_simulator_env().items():
        os.environ.setdefault(name, value)
    celery = [str(PYTHON), "-m", "celery", "-A", "sellercenter"]
    processes = {
        "web": [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        "worker": [
            *celery,
            "worker",
            "--queues",
            "celery,exports,tracking",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ],
        # Webhook deliveries: a pool of threads on the webhooks queue (webhooks/worker.py).
        "hooks-worker": [
            *celery,
            "worker",
            *worker_options(),
            "--hostname",
            "webhooks@%h",
            "--loglevel",
            "INFO",
        ],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
        # The demo's tracking provider: parcels given a tracking number on an order page
        # advance about a simulated hour every six seconds.
        "carrier": [str(PYTHON), "manage.py", "carrier_simulator", "--speed", "600"],
        # The demo shop's webhook endpoint: a local receiver that checks each signature.
        "webhooks": [str(PYTHON), "manage.py", "webhook_receiver", "--demo"],
        # The demo's TikTok Shop: a new order every few seconds, each stage ten times faster.
        # At ×600, 30 orders a simulated hour (the simulator's default) would be five a second
        # and their webhooks more than the embedded queue's worker drains, so fewer.
        "tiktok": [
            str(PYTHON),
            "manage.py",
            "tiktok_simulator",
            "--port",
            TIKTOK_SIMULATOR_PORT,
            "--speed",
            "600",
            "--orders-per-hour",
            "1.5",
            "--redirect-url",
            f"http://127.0.0.1:{port}/tiktok/callback/",
            "--webhook-url",
            f"http://127.0.0.1:{port}/webhooks/tiktok/",
        ],
    }
    running = {
        name: subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
        for name, cmd in processes.items()
    }
    say("Connecting the demo US shop to the simulated TikTok Shop")
    if manage_quietly("tiktok_demo_connect") != 0:
        print("The demo shop could not be connected; connect it on its TikTok Shop page.")
    say(f"Seller Center is running at http://127.0.0.1:{port}/")
    say("Ctrl-C stops web, worker, beat, the webhook receiver and the simulators")
    exit_code = 0
    try:
        while True:
            for name, process in running.items():
                if process.poll() is not None:
                    print(f"{name} stopped with exit code {process.returncode}; stopping the rest.")
                    exit_code = process.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("Stopping web, worker, beat and the simulators")
    finally:
        # A second Ctrl-C (or `timeout`, which signals twice) must not cut the shutdown short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in running.values():
            if process.poll() is None:
                process.terminate()  # the Celery main process shuts its own pool down
        for process in running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return exit_code


def test_workers() -> int:
    """How many pytest-xdist workers `dev.py test` starts: TEST_WORKERS, or one more than the
    machine has cores (a worker waiting on Chromium, a Celery worker or the database leaves its
    core to the others), at least 2."""
    if "TEST_WORKERS" in os.environ:
        return int(os.environ["TEST_WORKERS"])
    return max(2, (os.cpu_count() or 1) + 1)


def pytest_args(args: list[str], workers: int) -> list[str]:
    """`args` on `workers` xdist workers, unless they choose themselves (`-n 0`: serially)."""
    chosen = any(arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in args)
    return args if chosen else ["-n", str(workers), *args]


def test(args: list[str]) -> int:
    install()
    args = pytest_args(args, test_workers())
    say("Running the test suite" + (f" on {args[1]} workers" if args[:1] == ["-n"] else ""))
    return subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        return serve()
    if command == "test":
        return test(rest)
    if command == "install":
        install()
        return 0
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main())
