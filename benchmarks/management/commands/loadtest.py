import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks.loadtest import database
from benchmarks.loadtest.drive import check_signed_in, drive
from benchmarks.loadtest.mix import role_mixes
from benchmarks.loadtest.processes import (
    ROOT,
    child_env,
    collect_static,
    gunicorn_command,
    web_and_worker,
)
from benchmarks.loadtest.report import (
    Level,
    render_level,
    render_slow,
    render_statements,
    render_summary,
)
from benchmarks.tiktok_processes import free_port
from exports.models import ExportJob

LOG = ROOT / "var" / "loadtest.log"  # gunicorn's and the worker's output


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"--users must be numbers separated by commas; got {text!r}.") from None
    if not levels or min(levels) < 1:
        raise CommandError("--users needs at least one level, each at least 1.")
    return levels


def _loopback(host: str) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise CommandError(
            f"--host {host} is not a loopback address: the load test binds 127.0.0.1 (or ::1) "
            "only, so that nothing outside this machine reaches servers started this way."
        )


class Command(BaseCommand):
    help = (
        "Load test: gunicorn and a Celery worker with the production settings on loopback, "
        "driven by signed-in clients of every role (lists, searches, deep pages, order pages, "
        "tab counts, an export), at each number of concurrent users."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--users", default="10,25,50", help="Concurrent clients, one level after another."
        )
        parser.add_argument("--duration", type=float, default=30, help="Seconds per level.")
        parser.add_argument("--warmup", type=float, default=5, help="Seconds of warm-up first.")
        parser.add_argument("--host", default="127.0.0.1", help="Loopback address to bind.")
        parser.add_argument("--port", type=int, default=0, help="Port (default: a free one).")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn processes.")
        parser.add_argument("--threads", type=int, default=2, help="Threads per process.")
        parser.add_argument(
            "--slow-ms", type=int, default=100, help="Count SQL statements at least this slow."
        )
        parser.add_argument(
            "--think",
            type=float,
            default=0,
            help="Seconds each user pauses between requests, on average (0: none, a closed "
            "loop measuring capacity; people pause a few seconds between clicks).",
        )
        parser.add_argument("--markdown", default=None, help="Also write the report here.")

    def handle(
        self, *args, users, duration, warmup, host, port, workers, threads, think, **options
    ):
        levels = _levels(users)
        _loopback(host)
        if not 1 <= duration <= 600 or not 0 <= warmup <= 60 or not 0 <= think <= 60:
            raise CommandError("--duration must be 1–600 s, --warmup and --think 0–60 s.")
        if workers < 1 or threads < 1 or options["slow_ms"] < 1:
            raise CommandError("--workers, --threads and --slow-ms must be positive.")
        if connection.vendor != "postgresql":
            raise CommandError(
                f"The load test needs PostgreSQL (DATABASE_URL=postgres://…), not "
                f"{connection.vendor}: production runs on PostgreSQL, and its slow-statement "
                "log and pg_stat_statements are PostgreSQL's."
            )
        if not settings.REDIS_URL:
            raise CommandError("The load test needs Redis (REDIS_URL), as production does.")
        work = Path(tempfile.mkdtemp(prefix="loadtest-"))
        try:
            report = self.run(
                work, levels, duration, warmup, host, port or free_port(), workers, threads,
                options["slow_ms"], think,
            )  # fmt: skip
        except (RuntimeError, subprocess.CalledProcessError) as exc:  # a process did not start
            raise CommandError(f"{exc} (their output: {LOG})") from exc
        except KeyboardInterrupt:  # the processes were stopped on the way out of run()
            raise CommandError("Interrupted; gunicorn and the worker are stopped.") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self.stdout.write(report)
        if options["markdown"]:
            Path(options["markdown"]).write_text(report + "\n", encoding="utf-8")

    def say(self, message: str) -> None:
        self.stderr.write(message)
        sys.stderr.flush()

    def run(
        self, work, levels, duration, warmup, host, port, workers, threads, slow_ms, think
    ) -> str:
        pg_options, server_log = database.server_log_option(slow_ms)
        env = child_env(work=work, slow_ms=slow_ms, pg_options=pg_options)
        mixes = role_mixes(env["DJANGO_SECRET_KEY"])
        if not mixes:
            raise CommandError("No shop has orders: run `manage.py seed_demo` first.")
        self.say("Signed in as " + ", ".join(f"{m.email} ({m.role.value})" for m in mixes))
        self.say("Collecting static files (production settings)")
        collect_static(env)
        statements = database.statements_state()
        base = f"http://{'[::1]' if ':' in host else host}:{port}"
        LOG.parent.mkdir(exist_ok=True)
        LOG.write_bytes(b"")
        gunicorn = gunicorn_command(host=host, port=port, workers=workers, threads=threads)
        self.say(f"Starting gunicorn (gthread × {workers} × {threads} threads) and a worker")
        done: list[Level] = []
        with web_and_worker(env=env, base_url=base, gunicorn=gunicorn, log=LOG):
            refused = check_signed_in(base, mixes)
            if refused:
                raise CommandError("Not signed in: " + "; ".join(refused))
            if warmup:
                self.say(f"Warming up for {warmup:g} s")
                drive(base=base, mixes=mixes, users=len(mixes), seconds=warmup, export=False)
            if statements == "ready":
                database.statements_reset()
            (work / "slow.tsv").unlink(missing_ok=True)  # the warm-up's do not count
            for users in levels:
                self.say(f"{users} users for {duration:g} s")
                started = timezone.now()
                samples, seconds = drive(
                    base=base, mixes=mixes, users=users, seconds=duration, export=True, think=think
                )
                jobs = ExportJob.objects.filter(
                    created_at__gte=started, requested_by__email__in=[m.email for m in mixes]
                )
                level = Level(users, seconds, samples, os.getloadavg(), Counter())
                level.exports.update(jobs.values_list("status", flat=True))
                done.append(level)
                self.say(render_level(level))
            slow = database.slow_statements(work / "slow.tsv")
            top = database.statements_top() if statements == "ready" else None
        parts = [
            f"Load test: gthread × {workers} × {threads} threads, {len(mixes)} roles, "
            f"{duration:g} s a level, "
            + (f"{think:g} s between a user's requests on average, " if think else "no pauses, ")
            + f"{timezone.now():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs.",
            render_summary(done),
            *(render_level(level) for level in done),
            render_slow(slow, slow_ms, server_log),
        ]
        if top is not None:
            parts.append(render_statements(top))
        elif statements == "not created":
            parts.append(
                "pg_stat_statements is loaded but not created in this database: "
                "CREATE EXTENSION pg_stat_statements; then run the load test again."
            )
        else:
            parts.append(database.ENABLE_STATEMENTS)
        return "\n\n".join(parts)
