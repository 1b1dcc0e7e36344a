"""A timer on every SQL statement of a web or worker process started by the load test: each one
slower than LOADTEST_SLOW_MS is appended to LOADTEST_SLOW_LOG, so the run can count them
whether or not the PostgreSQL server's own log can be read."""

import os
import time
from pathlib import Path


def _timed(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed >= float(os.environ.get("LOADTEST_SLOW_MS", "100")):
            shape = " ".join(str(sql).split())[:300]
            process = os.environ.get("LOADTEST_PROCESS", "?")
            with Path(os.environ["LOADTEST_SLOW_LOG"]).open("a", encoding="utf-8") as log:
                log.write(f"{process}\t{elapsed:.0f}\t{shape}\n")


def time_statements(sender, connection, **kwargs) -> None:
    """connection_created receiver: wrap the new connection's statements once."""
    if _timed not in connection.execute_wrappers:
        connection.execute_wrappers.append(_timed)
