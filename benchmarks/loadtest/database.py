"""The database side of a load test: the slow-statement threshold for the run's connections,
pg_stat_statements' top 10 when the server loads it, and the statements the processes timed."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connection, transaction

TOP = 10
ENABLE_STATEMENTS = (
    "pg_stat_statements is not loaded (SHOW shared_preload_libraries); to see the top 10, add "
    "it to shared_preload_libraries in postgresql.conf, restart PostgreSQL and run CREATE "
    'EXTENSION pg_stat_statements in this database (docs/operations.md "Load test").'
)
THIS_DATABASE = "(SELECT oid FROM pg_database WHERE datname = current_database())"


def server_log_option(slow_ms: int) -> tuple[str, str]:
    """(PGOPTIONS for the run's connections, what it means): the server logs their statements
    slower than `slow_ms`, for those connections only; a role that may not set it gets none."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL log_min_duration_statement = {int(slow_ms)}")
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0]
        return "", f"not set for the server's log ({reason})"
    return (
        f"-c log_min_duration_statement={int(slow_ms)}",
        "the run's connections also log them in the server's log",
    )


def statements_state() -> str:
    """ "ready", "not created" (loaded, but not in this database) or "not loaded"."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_preload_libraries")
        loaded = "pg_stat_statements" in cursor.fetchone()[0]
        if not loaded:
            return "not loaded"
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
        return "ready" if cursor.fetchone() else "not created"


def statements_reset() -> None:
    """Forget this database's statements (only this one's: the server may be shared)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_stat_statements_reset(0, {THIS_DATABASE}, 0)")  # noqa: S608


def statements_top() -> list[tuple[int, float, float, int, str]]:
    """(calls, total ms, mean ms, rows, statement) of this database, most total time first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements "  # noqa: S608 - constants only
            f"WHERE dbid = {THIS_DATABASE} ORDER BY total_exec_time DESC LIMIT {TOP}"
        )
        return cursor.fetchall()


@dataclass
class SlowStatements:
    by_process: Counter  # "web" / "worker" → statements at or above the threshold
    shapes: list[tuple[str, int, float, str]]  # (process, count, slowest ms, statement)


def slow_statements(log: Path, *, top: int = 5) -> SlowStatements:
    """What statements.py wrote: each statement of the run at or above the threshold."""
    by_process: Counter = Counter()
    shapes: dict[tuple[str, str], list[float]] = {}
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            process, ms, statement = line.split("\t", 2)
            by_process[process] += 1
            shapes.setdefault((process, statement), []).append(float(ms))
    ranked = sorted(shapes.items(), key=lambda item: (-len(item[1]), -max(item[1])))
    return SlowStatements(
        by_process,
        [(process, len(times), max(times), sql) for (process, sql), times in ranked[:top]],
    )
