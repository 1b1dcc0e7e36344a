"""`manage.py loadtest` for real at tiny size: gunicorn and a worker with the production
settings on loopback, every role signed in, the export started through its form; and the
refusals of a non-loopback address, of SQLite and of a think time out of range; users who
think between requests."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.roles import Role
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent.parent


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(lines: list[str], header_start: str) -> list[dict[str, str]]:
    """The rows of the first markdown table whose header starts with `header_start`."""
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = _cells(lines[start])
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, _cells(line), strict=True)))
    return rows


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)  # gunicorn and the worker read what the test wrote
def test_the_load_test_signs_in_every_role_and_reports_a_level_without_errors():
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    from demo.seed import demo_seed
    from exports.models import ExportJob

    demo_seed(orders=120)
    out = StringIO()
    call_command(
        "loadtest", "--users", "2", "--duration", "3", "--warmup", "1",
        "--workers", "1", "--threads", "2", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    (summary,) = _table(lines, "| users |")
    assert summary["users"] == "2" and summary["errors"] == "0", out.getvalue()
    assert int(summary["requests"]) > 0 and float(summary["requests/s"]) > 0
    assert float(summary["p50 ms"]) <= float(summary["p95 ms"]) <= float(summary["p99 ms"])
    kinds = {row["kind"]: row for row in _table(lines, "| kind |")}
    assert set(kinds) <= {"list", "search", "deep", "detail", "counts", "export", "all"}
    assert {"export", "all"} <= set(kinds)
    assert sum(int(row["requests"]) for k, row in kinds.items() if k != "all") == int(
        kinds["all"]["requests"]
    )
    # The administrator and the accountant each started one through the export form.
    assert ExportJob.objects.filter(query_string__contains="period=last_30d").count() == 2
    assert any(line.startswith("SQL statements at or above 100 ms") for line in lines)
    assert any("pg_stat_statements" in line for line in lines)


@pytest.mark.django_db
def test_the_load_test_refuses_an_address_other_machines_reach():
    with pytest.raises(CommandError, match="not a loopback address"):
        call_command("loadtest", "--host", "0.0.0.0", stdout=StringIO())  # noqa: S104


def test_the_load_test_refuses_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellercenter.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "loadtest", "--duration", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "The load test needs PostgreSQL" in result.stderr


def test_a_level_of_one_user_is_headed_in_the_singular():
    from benchmarks.loadtest.report import Level, render_level

    alone = render_level(Level(users=1, seconds=2.0, samples=[], load=(1.0, 1.0, 1.0)))
    assert alone.startswith("#### 1 user, 2.0 s")
    assert render_level(Level(2, 2.0, [], (1.0, 1.0, 1.0))).startswith("#### 2 users, 2.0 s")


class _Quick(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # quiet
        pass


def test_users_who_think_between_requests_send_fewer_of_them():
    """A closed loop asks as fast as the server answers; a user thinking 0.5 s on average
    between requests asks about twice a second."""
    from benchmarks.loadtest.drive import drive
    from benchmarks.loadtest.mix import RoleMix

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Quick)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    mix = RoleMix(Role.VIEWER, "v@example.test", "x", False, [("list", "/orders/")], [1])
    try:
        busy, _ = drive(base=base, mixes=[mix], users=1, seconds=1.5, export=False)
        thinking, _ = drive(base=base, mixes=[mix], users=2, seconds=1.5, export=False, think=0.5)
    finally:
        server.shutdown()
    assert not any(sample.error for sample in busy + thinking)
    assert len(busy) > 50
    assert 2 <= len(thinking) <= 10  # two users, 1.5 s, 0.25–0.75 s pauses


@pytest.mark.django_db
@pytest.mark.parametrize("think", ["-1", "61"])
def test_the_load_test_refuses_a_think_time_out_of_range(think):
    with pytest.raises(CommandError, match="--think 0–60 s"):
        call_command("loadtest", "--think", think, stdout=StringIO())
