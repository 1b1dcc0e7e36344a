"""Export benchmarks, each case in its own forked process so its peak memory is
its own, with the baselines measured in the same run: PostgreSQL's `COPY … TO STDOUT` of
the same raw columns (the physical limit) and django-import-export's default export."""

import multiprocessing
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections
from import_export import resources

from accounts.access import shops_for_user
from accounts.models import User
from accounts.roles import Perm
from exports.columns import TIKTOK_SKU_LIST, Level
from exports.generate import export_generate
from exports.models import ExportJob
from exports.sources import plain_values
from orders.models import Order, OrderLine
from orders.periods import local_midnight


@dataclass
class ExportTiming:
    name: str
    rows: int
    seconds: float
    peak_mb: float
    size_mb: float
    baseline: "ExportTiming | None" = None
    cpu: float = 0.0  # the process's own CPU seconds (not PostgreSQL's): steadier when shared

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def in_child(target, *args) -> ExportTiming:
    """Run `target(*args)` in a forked process; returns its timing with the child's peak RSS."""
    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def child():
        try:
            started, cpu = time.perf_counter(), time.process_time()
            name, rows, size = target(*args)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            results.put(ExportTiming(name, rows, seconds, peak, size / 1e6, cpu=cpu))
        except BaseException as error:  # the parent raises it instead of waiting forever
            results.put(RuntimeError(f"{getattr(target, '__name__', target)} failed: {error!r}"))
        finally:
            connections.close_all()

    process = context.Process(target=child)
    process.start()
    timing = results.get()
    process.join()
    if isinstance(timing, Exception):
        raise timing
    return timing


def _ours(user: User, file_format: str, query: str, use_copy: bool | None, label: str):
    job = ExportJob.objects.create(
        requested_by=user, format=file_format, template="tiktok_sku_list", query_string=query
    )
    job.shops.set(shops_for_user(user, Perm.EXPORT_ORDERS))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{file_format}"
        generated = export_generate(job, path, use_copy=use_copy)
    job.delete()
    return label, generated.rows, generated.size


def _lines(user: User, day):
    """The user's order lines, of orders created from `day` on in each shop's zone."""
    lines = OrderLine.objects.none()
    for shop in shops_for_user(user, Perm.EXPORT_ORDERS):
        of_shop = OrderLine.objects.filter(order__shop=shop)
        if day is not None:
            of_shop = of_shop.filter(order__create_time__gte=local_midnight(day, shop.zone))
        lines |= of_shop
    return lines


def _raw_copy(user: User, day, label: str):
    """COPY of the same raw columns, unsorted, unformatted, unmasked: the physical limit."""
    rows = _lines(user, day).values_list(*plain_values(TIKTOK_SKU_LIST))
    sql, params = rows.query.sql_with_params()
    with tempfile.TemporaryFile() as out, connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV, HEADER)", params) as copy:
            for block in copy:
                out.write(block)
        return label, cursor.cursor.rowcount, out.tell()


class _LineResource(resources.ModelResource):
    """What a typical project writes: a ModelResource with the same columns' raw fields."""

    class Meta:
        model = OrderLine
        fields = [
            c.column.source if c.column.level == Level.LINE else f"order__{c.column.source}"
            for c in TIKTOK_SKU_LIST.columns
            if isinstance(c.column.source, str)
        ]


def _import_export(user: User, day, label: str):
    from import_export.formats.base_formats import CSV

    lines = _lines(user, day).order_by("order__shop_id", "-order__create_time", "-order_id", "pk")
    dataset = _LineResource().export(queryset=lines)
    data = CSV().export_data(dataset)
    return label, len(dataset), len(data.encode())


def _newest(user: User, orders: int):
    """The local day from which about the user's newest `orders` orders were created."""
    shops = shops_for_user(user, Perm.EXPORT_ORDERS)
    edge = (
        Order.objects.filter(shop__in=shops)
        .order_by("-create_time")
        .values_list("create_time", flat=True)[orders - 1 : orders]
    )
    return edge[0].astimezone(shops.first().zone).date() if edge else None


def _query_since(day) -> str:
    return f"date_from={day.isoformat()}" if day else ""


def benchmark_export(*, user: User, subset: int, small: int) -> list[ExportTiming]:
    """The SKU-list export of everything the user may export, and of its newest orders.

    Each timing's `baseline` is the COPY of the same rows it is compared with.
    """
    part, tiny = _newest(user, subset), _newest(user, small)
    since_part, since_tiny = f"since {part}", f"since {tiny}"
    everything = in_child(_raw_copy, user, None, "COPY … TO STDOUT, same raw columns, all")
    newest = in_child(_raw_copy, user, part, f"COPY, same raw columns, orders {since_part}")
    few = in_child(_raw_copy, user, tiny, f"COPY, same raw columns, orders {since_tiny}")
    cases = [
        (everything, (_ours, user, "csv", "", None, "CSV, SKU list (ours), all")),
        (newest, (_ours, user, "csv", _query_since(part), None, f"CSV (ours), {since_part}")),
        (few, (_ours, user, "csv", _query_since(tiny), False, f"CSV, Python path, {since_tiny}")),
        (few, (_ours, user, "xlsx", _query_since(tiny), None, f"XLSX (ours), {since_tiny}")),
        (newest, (_ours, user, "xlsx", _query_since(part), None, f"XLSX (ours), {since_part}")),
        (few, (_import_export, user, tiny, f"django-import-export default, {since_tiny}")),
    ]
    timings = [everything, newest, few]
    for baseline, (target, *args) in cases:
        timing = in_child(target, *args)
        timing.baseline = baseline
        timings.append(timing)
    return timings


def render_export_markdown(timings: list[ExportTiming], *, orders: int) -> str:
    lines = [
        f"SKU-list export on {orders:,} orders (PostgreSQL). Peak memory is the whole process "
        "(Django itself is about 80 MB); ÷ COPY compares with the COPY of the same rows; "
        "CPU s is the exporting process's own (PostgreSQL's is not in it).",
        "",
        "| case | rows | seconds | rows/s | ÷ COPY | CPU s | peak MB | file MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        ratio = f"{t.rate / t.baseline.rate:.2f}" if t.baseline and t.baseline.rate else "—"
        lines.append(
            f"| {t.name} | {t.rows:,} | {t.seconds:.1f} | {t.rate:,.0f} | {ratio} | "
            f"{t.cpu:.1f} | {t.peak_mb:.0f} | {t.size_mb:.0f} |"
        )
    return "\n".join(lines)
