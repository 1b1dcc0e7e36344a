"""Reading benchmark: openpyxl read-only, python-calamine and our bounded reader
on a TikTok-like workbook and on the bombs of the issue, each run in its own forked process
with a memory cap and a time limit, so a bomb can only hurt the child.

    DJANGO_SETTINGS_MODULE=sellercenter.settings.local .venv/bin/python -m benchmarks.reading

python-calamine is not a dependency (see docs/decisions.md): install it to measure it.
"""

import argparse
import io
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

CAP_BYTES = 3 * 2**30  # a child's address space
TIME_LIMIT = 60  # seconds a child may read


def _openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = sum(1 for _ in sheet.iter_rows(values_only=True))
    book.close()
    return rows


def _calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _ours(path: Path) -> int:
    from imports.read import SheetFile

    with SheetFile(path, path.name) as sheet:
        return sum(1 for _ in sheet.rows())


READERS = {
    "openpyxl read-only": _openpyxl,
    "python-calamine 0.9": _calamine,
    "ours (bounds + openpyxl)": _ours,
}


def _child(reader, path: Path, results) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))
    started = time.perf_counter()
    try:
        outcome = f"{reader(path):,} rows"
    except MemoryError:
        outcome = "MemoryError at the cap"
    except Exception as error:  # noqa: BLE001 - what a reader says about a bomb is the result
        outcome = f"refused: {str(error)[:90]}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((outcome, seconds, peak))


def measure(reader, path: Path) -> tuple[str, float, float]:
    """(outcome, seconds, peak RSS in MB) of `reader` on `path`, in a forked child."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=_child, args=(reader, path, results))
    started = time.perf_counter()
    process.start()
    process.join(TIME_LIMIT)
    if process.is_alive():
        process.kill()
        process.join()
        return f"stopped after {TIME_LIMIT} s", TIME_LIMIT, float("nan")
    if results.empty():  # killed: a Rust allocation failure aborts the process
        return f"process died (exit {process.exitcode})", time.perf_counter() - started, 0.0
    return results.get()


def files(folder: Path, rows: int) -> dict[str, Path]:
    """The workbooks measured: TikTok-like (inline and shared text) and the issue's bombs."""
    from benchmarks import workbooks as x

    made = {}

    def build(name, sheet, strings=None):
        made[name] = folder / f"{len(made)}.xlsx"
        x.workbook(made[name], sheet, strings)

    for shared in (False, True):
        name = f"TikTok-like, {rows:,} rows, {'shared' if shared else 'inline'} strings"
        made[name] = folder / f"tiktok-{shared}.xlsx"
        x.tiktok_like(made[name], rows, shared=shared)
    build("sheet bomb: 1.2 GB of rows, no <dimension>", x.sheet_bomb(2_700_000))
    build("wide-row bomb: 300 M cells in the header row", x.wide_row_bomb(300_000_000))
    build("shared-strings bomb: 60 M strings", x.strings_sheet(60_000_000), _strings(60_000_000))
    build("one cell at XFD1048576 (a dense grid of 17 G cells)", _corner())
    return made


def _strings(count: int):
    from benchmarks import workbooks as x

    yield f'<sst xmlns="{x.MAIN}">'.encode()
    block = b"<si><t>a</t></si>" * 100_000
    for _ in range(count // 100_000):
        yield block
    yield b"</sst>"


def _corner():
    from benchmarks import workbooks as x

    yield from x.open_sheet()
    yield b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings.local")
    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", default="", help="Measure only the files whose label has this.")
    options = parser.parse_args()
    out = io.StringIO()
    out.write("| file | size | reader | outcome | time | rows/s | peak RSS |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    with tempfile.TemporaryDirectory() as folder:
        for label, path in files(Path(folder), options.rows).items():
            if options.only not in label:
                continue
            size = f"{path.stat().st_size / 2**20:,.1f} MB"
            for name, reader in READERS.items():
                outcome, seconds, peak = measure(reader, path)
                rows = int(outcome.split()[0].replace(",", "")) if outcome[0].isdigit() else 0
                rate = f"{rows / seconds:,.0f}" if rows else "–"
                out.write(
                    f"| {label} | {size} | {name} | {outcome} | {seconds:.1f} s | {rate} "
                    f"| {peak:,.0f} MB |\n".replace("| nan MB |", "| – |")
                )
                print(out.getvalue().splitlines()[-1], flush=True)
    print()
    print(out.getvalue())


if __name__ == "__main__":
    main()
