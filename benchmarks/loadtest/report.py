"""The load test's tables: per level, each kind of request and all of them together; then one
row a level against the goal (0 errors, p99 ≤ 500 ms at 50 users on the 2-core machine)."""

import math
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.loadtest.database import SlowStatements
from benchmarks.loadtest.drive import Sample

KINDS = ("list", "search", "deep", "detail", "counts", "export")
GOAL_P99_MS = 500
ERRORS_NAMED = 5


@dataclass
class Level:
    users: int
    seconds: float  # wall time of the level, from the first client's start to the last's end
    samples: list[Sample]
    load: tuple[float, float, float]  # os.getloadavg() at the level's end
    exports: Counter = field(default_factory=Counter)  # export job status → jobs of the level


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else 0.0


def _row(name: str, samples: list[Sample], seconds: float) -> str:
    ordered = sorted(s.ms for s in samples)
    errors = sum(1 for s in samples if s.error)
    p50, p95, p99 = (percentile(ordered, p) for p in (50, 95, 99))
    rate = len(samples) / seconds if seconds else 0.0
    cells = (name, len(samples), f"{rate:.1f}", f"{p50:.0f}", f"{p95:.0f}", f"{p99:.0f}", errors)
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


HEADER = "| {} | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |\n" + "|---" * 7 + "|"


def render_level(level: Level) -> str:
    users = f"{level.users} {'user' if level.users == 1 else 'users'}"
    lines = [
        f"#### {users}, {level.seconds:.1f} s (load average at the end: "
        + " / ".join(f"{x:.2f}" for x in level.load)
        + ")",
        "",
        HEADER.format("kind"),
    ]
    for kind in KINDS:
        chosen = [s for s in level.samples if s.kind == kind]
        if chosen:
            lines.append(_row(kind, chosen, level.seconds))
    lines.append(_row("all", level.samples, level.seconds))
    named = Counter(s.error for s in level.samples if s.error)
    for error, count in named.most_common(ERRORS_NAMED):
        lines.append(f"\n- {count} × {error}")
    if level.exports:
        done = ", ".join(f"{n} {status}" for status, n in sorted(level.exports.items()))
        lines.append(f"\nExports started in this level, at its end: {done}.")
    return "\n".join(lines)


SUMMARY = (
    "| users | requests | requests/s | p50 ms | p95 ms | p99 ms | errors "
    f"| goal: 0 errors, p99 ≤ {GOAL_P99_MS} ms |\n" + "|---" * 8 + "|"
)


def render_summary(levels: list[Level]) -> str:
    lines = [SUMMARY]
    for level in levels:
        ordered = sorted(s.ms for s in level.samples)
        errors = sum(1 for s in level.samples if s.error)
        met = "met" if errors == 0 and percentile(ordered, 99) <= GOAL_P99_MS else "not met"
        lines.append(f"{_row(str(level.users), level.samples, level.seconds)} {met} |")
    return "\n".join(lines)


def _code(sql: str) -> str:
    return "`" + " ".join(sql.split())[:160].replace("|", "\\|").replace("`", "'") + "`"


def render_slow(slow: SlowStatements, slow_ms: int, server_log: str) -> str:
    total = sum(slow.by_process.values())
    parts = ", ".join(f"{n} in {process}" for process, n in sorted(slow.by_process.items()))
    lines = [
        f"SQL statements at or above {slow_ms} ms (timed in the processes; {server_log}): "
        f"{total}" + (f" ({parts})" if parts else "") + "."
    ]
    if slow.shapes:
        lines += ["", "| process | count | slowest ms | statement |", "|---|---|---|---|"]
        for process, count, slowest, sql in slow.shapes:
            lines.append(f"| {process} | {count} | {slowest:.0f} | {_code(sql)} |")
    return "\n".join(lines)


def render_statements(top: list[tuple[int, float, float, int, str]]) -> str:
    lines = [
        "pg_stat_statements, this database, top 10 by total time:",
        "",
        "| calls | total ms | mean ms | rows | statement |",
        "|---|---|---|---|---|",
    ]
    for calls, total, mean, rows, query in top:
        lines.append(f"| {calls} | {total:.0f} | {mean:.1f} | {rows} | {_code(query)} |")
    return "\n".join(lines)
