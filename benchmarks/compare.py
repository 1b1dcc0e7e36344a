"""Two checkouts' pages timed side by side, in turns, on the same database: a change that
saves 5 ms is lost in the spread of two benchmark runs minutes apart on a shared machine,
not in batches of requests that alternate between the two.

    git worktree add /tmp/before <commit>
    DJANGO_SETTINGS_MODULE=sellercenter.settings.local .venv/bin/python -m benchmarks.compare \\
        --before /tmp/before "/orders/" "/orders/?per_page=200" "/orders/<order_id>/"

Each checkout gets a Python process of its own (this file, run with the checkout first on
`sys.path`, so its code answers), signed in as `--user` through Django's test client with
DEBUG off, as `manage.py benchmark` measures. For each path, both warm up, then take turns
at `--batch` requests, `--rounds` times; p50 and p95 of each side are printed as a
Markdown table. Times are the whole request in the server's process (no network).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()


def serve(user: str) -> None:
    """A worker: reads "path count" lines, answers each with the count's timings in ms."""
    import time

    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings.local")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(email=user))
    print("ready", flush=True)
    for line in sys.stdin:
        path, count = line.split()
        times = []
        for _ in range(int(count)):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                print(f"error {response.status_code}", flush=True)
                break
        else:
            print(" ".join(f"{t:.3f}" for t in times), flush=True)


class Side:
    def __init__(self, name: str, checkout: Path, user: str):
        self.name = name
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, str(HERE), "--serve", "--user", user],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{name} ({checkout}) did not start")

    def ask(self, path: str, count: int) -> list[float]:
        self.process.stdin.write(f"{path} {count}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        if not answer or answer[0] == "error":
            raise SystemExit(f"{self.name}: {path} answered {' '.join(answer[1:]) or 'nothing'}")
        return [float(t) for t in answer]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def compare(before: Path, after: Path, paths: list[str], *, user, rounds, batch) -> str:
    from benchmarks.pages import percentiles  # p50 and p95 as manage.py benchmark reports them

    sides = [Side("before", before, user), Side("after", after, user)]
    rows = ["| path | before p50 / p95 | after p50 / p95 | p50 change |", "|---|---|---|---|"]
    try:
        for path in paths:
            times = {side.name: [] for side in sides}
            for side in sides:
                side.ask(path, batch)  # warm-up
            for _ in range(rounds):
                for side in sides:
                    times[side.name] += side.ask(path, batch)
            (was, was_p95), (now, now_p95) = (percentiles(times[n]) for n in ("before", "after"))
            rows.append(
                f"| `{path}` | {was:.1f} / {was_p95:.1f} | {now:.1f} / {now_p95:.1f}"
                f" | {(now - was) / was:+.0%} |"
            )
    finally:
        for side in sides:
            side.close()
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="Pages to time, e.g. /orders/?per_page=200")
    parser.add_argument("--before", type=Path, help="The checkout to compare with")
    parser.add_argument("--after", type=Path, default=HERE.parent.parent)
    parser.add_argument("--user", default="admin@demo.test")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.user)
        return
    if not args.before or not args.paths:
        parser.error("--before and at least one path are needed")
    import django

    django.setup()  # for the benchmark app's percentiles; the timing is the workers'
    print(
        compare(
            args.before.resolve(),
            args.after.resolve(),
            args.paths,
            user=args.user,
            rounds=args.rounds,
            batch=args.batch,
        )
    )


if __name__ == "__main__":
    main()
