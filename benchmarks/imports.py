"""Import benchmark: a TikTok SKU-list file of the newest orders of one shop, written
by our own export, imported into an empty shop, each case in its own forked process so its
peak memory is its own. The baseline, measured in the same run, is reading the file alone
(`csv.reader`, the floor any importer pays); a tenth of the file shows whether memory is flat.
"""

import csv
import tempfile
from pathlib import Path

from accounts.models import Shop, User
from benchmarks.exports import ExportTiming, in_child
from exports.generate import export_generate
from exports.models import ExportJob
from imports.services import import_tiktok_file
from orders.models import Order

TARGET = "bench-import"  # the shop the file is imported into, emptied first


def _export_file(user: User, shop: Shop, rows: int, folder: Path) -> Path:
    """Our SKU-list CSV of about `rows` rows: the shop's newest orders, whole local days."""
    lines_per_order = 1.5  # the demo data's average
    edge = (
        Order.objects.filter(shop=shop)
        .order_by("-create_time")
        .values_list("create_time", flat=True)[int(rows / lines_per_order)]
    )
    day = edge.astimezone(shop.zone).date()
    job = ExportJob.objects.create(
        requested_by=user,
        format="csv",
        template="tiktok_sku_list",
        query_string=f"shop={shop.slug}&date_from={day.isoformat()}",
    )
    job.shops.set([shop])
    path = folder / f"{shop.slug}-{rows}.csv"
    export_generate(job, path, use_copy=False)
    job.delete()
    return _rekeyed(path)


def _rekeyed(path: Path) -> Path:
    """The same file under order ids no shop has (demo ids start 57, these 58): an order id
    belongs to one shop, so the file's own ids would be refused in the benchmark's shop."""
    out = path.with_name(f"rekeyed-{path.name}")
    with path.open(newline="", encoding="utf-8-sig") as source, out.open("w", newline="") as dest:
        reader, writer = csv.reader(source), csv.writer(dest)
        header = next(reader)
        column = header.index("Order ID")
        writer.writerow(header)
        for row in reader:
            if row[column].startswith("57"):  # TikTok's ids carry a trailing tab: kept
                row[column] = "58" + row[column][2:]
            writer.writerow(row)
    return out


def _head(path: Path, rows: int, folder: Path) -> Path:
    """The first `rows` rows of the file (and its header), cut at an order's edge."""
    out = folder / f"head-{rows}.csv"
    with path.open(newline="", encoding="utf-8-sig") as source, out.open("w", newline="") as head:
        reader, writer = csv.reader(source), csv.writer(head)
        writer.writerow(next(reader))
        last = None
        for count, row in enumerate(reader):
            if count >= rows and row[0] != last:
                break
            writer.writerow(row)
            last = row[0]
    return out


def _target(like: Shop) -> Shop:
    Order.objects.filter(shop__slug=TARGET).delete()
    shop, _ = Shop.objects.update_or_create(
        slug=TARGET,
        defaults={
            "name": "Import benchmark",
            "market": like.market,
            "currency": like.currency,
            "timezone": like.timezone,
        },
    )
    return shop


def _read_only(path: Path, label: str):
    with path.open(newline="", encoding="utf-8-sig") as source:
        rows = sum(1 for _ in csv.reader(source)) - 1
    return label, rows, path.stat().st_size


def _import(path: Path, shop: Shop, dry_run: bool, label: str):
    report = import_tiktok_file(shop=shop, source=path, name=path.name, dry_run=dry_run)
    counts = (
        f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    return f"{label} ({counts} orders)", report.rows, path.stat().st_size


def benchmark_import(*, user: User, rows: int) -> list[ExportTiming]:
    source = Shop.objects.filter(memberships__user=user).order_by("pk").first()
    with tempfile.TemporaryDirectory() as folder:
        full = _export_file(user, source, rows, Path(folder))
        tenth = _head(full, rows // 10, Path(folder))
        floor = in_child(_read_only, full, "read the file only (csv.reader)")
        timings = [floor]
        cases = [
            (tenth, False, "a tenth of the file, into an empty shop"),
            (full, True, "dry run (preview) of the whole file"),
            (full, False, "whole file, into an empty shop"),
            (full, False, "same file again"),
        ]
        for index, (path, dry_run, label) in enumerate(cases):
            shop = _target(source) if index in (0, 1) else Shop.objects.get(slug=TARGET)
            timing = in_child(_import, path, shop, dry_run, label)
            timing.baseline = floor
            timings.append(timing)
        _target(source)  # leave the bench database as it was
    return timings


def render_import_markdown(timings: list[ExportTiming]) -> str:
    lines = [
        "| case | rows | time | rows/s | peak memory | file |",
        "|---|---|---|---|---|---|",
    ]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.rows:,} | {t.seconds:.1f} s | {t.rate:,.0f} | "
            f"{t.peak_mb:.0f} MB | {t.size_mb:.1f} MB |"
        )
    return "\n".join(lines)
