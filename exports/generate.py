"""Producing one export file: select the orders, read them in batches, write, checksum.

Everything is decided when the file is generated, not when it was requested: the orders the
requester may still export, and the masking their permissions call for today.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from operator import call
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict

from accounts.access import shops_for_user
from accounts.models import Shop
from accounts.roles import Perm
from exports.cells import cell_functions, headers
from exports.columns import TEMPLATES, BadColumns, Template, custom_template
from exports.models import ExportJob
from exports.selectors import SelectionRefused, export_orders
from exports.settlement import (
    SETTLEMENT_REPORT,
    SETTLEMENT_TEMPLATE_CODE,
    SettlementScopeRefused,
    settlement_batches,
    settlement_count,
    settlement_scope,
    settlement_totals,
    total_row,
)
from exports.sources import (
    copy_rows,
    copy_values,
    order_batches,
    plain_rows,
    plain_values,
    rows_count,
    rows_queryset,
)
from exports.writers import open_writer
from orders.models import Order
from orders.replica import replica_caught_up, replica_reads

FINANCE_REFUSAL = "Finance figures need the “View finance” permission in every shop of the export."


class ExportFailed(Exception):
    """The export cannot be produced; the message is shown to the user as the reason."""


@dataclass(frozen=True)
class Generated:
    rows: int
    size: int
    sha256: str


def job_template(job: ExportJob) -> Template:
    if job.template in TEMPLATES:
        return TEMPLATES[job.template]
    try:
        return custom_template(job.columns)
    except BadColumns as error:
        raise ExportFailed(str(error)) from None


def job_selection(job: ExportJob, shops: list[Shop]) -> QuerySet[Order]:
    """The job's orders that its requester may export today."""
    query = QueryDict(job.query_string)
    try:
        return export_orders(
            user=job.requested_by, query=query, order_keys=job.order_keys, shops=shops
        )
    except SelectionRefused as refused:
        raise ExportFailed(str(refused)) from None


def export_generate(
    job: ExportJob,
    path: Path,
    *,
    on_batch: Callable[[int], None] = lambda rows: None,
    on_total: Callable[[int], None] = lambda rows: None,
    use_copy: bool | None = None,
) -> Generated:
    """Write the job's file to `path`; `on_batch` is called with the rows of each batch.

    The orders are read from the read replica when one is configured and has replayed every
    change committed before the job was asked for (so the file holds at least those), and
    from the primary otherwise (docs/scaling.md "Read replicas")."""
    with replica_reads(allowed=replica_caught_up(job.created_at)):
        return _generate(job, path, on_batch=on_batch, on_total=on_total, use_copy=use_copy)


def _generate(job: ExportJob, path: Path, *, on_batch, on_total, use_copy) -> Generated:
    user = job.requested_by
    shops = _job_shops(job, Perm.EXPORT_ORDERS)
    if not shops:
        raise ExportFailed("You no longer have the export permission for these shops.")
    if job.template == SETTLEMENT_TEMPLATE_CODE:
        return _settlement_generate(job, shops, path, on_batch=on_batch, on_total=on_total)
    template = job_template(job)
    if template.finance and _job_shops(job, Perm.VIEW_FINANCE) != shops:
        raise ExportFailed(FINANCE_REFUSAL)
    unmasked = set(shops_for_user(user, Perm.SEE_BUYER_CONTACT).values_list("pk", flat=True))
    selected = job_selection(job, shops)
    on_total(rows_count(template, selected))
    if use_copy is None:
        use_copy = job.format == "csv" and connection.vendor == "postgresql"

    batch_size = settings.EXPORT_COPY_BATCH_ORDERS if use_copy else settings.EXPORT_BATCH_ORDERS
    writer = open_writer(
        job.format,
        str(path),
        headers=headers(template, {s.timezone for s in shops}),
    )
    rows = 0
    try:
        for shop in shops:
            masked = shop.pk not in unmasked
            if use_copy:
                values = copy_values(template, masked)
            else:
                values = plain_values(template)
                cells = cell_functions(
                    template, zone=shop.zone, masked=masked, xlsx=job.format == "xlsx"
                )
            for orders in order_batches(selected, shop.pk, batch_size):
                batch = rows_queryset(template, orders, values)
                if use_copy:
                    written = copy_rows(batch, shop.timezone, writer.raw)
                else:
                    formatted = [list(map(call, cells, row)) for row in plain_rows(batch)]
                    writer.rows(formatted)
                    written = len(formatted)
                rows += written
                on_batch(written)
    finally:
        writer.close()
    return Generated(rows=rows, size=path.stat().st_size, sha256=_sha256(path))


def _job_shops(job: ExportJob, perm: Perm) -> list[Shop]:
    """The job's shops where its requester holds `perm` today."""
    allowed = set(shops_for_user(job.requested_by, perm).values_list("pk", flat=True))
    return [shop for shop in job.shops.order_by("pk") if shop.pk in allowed]


def _settlement_generate(
    job: ExportJob, shops: list[Shop], path: Path, *, on_batch, on_total
) -> Generated:
    """The settlement report (exports/settlement.py): every transaction of the statements
    named, shop by shop, then a total per currency."""
    if _job_shops(job, Perm.VIEW_FINANCE) != shops:
        raise ExportFailed(FINANCE_REFUSAL)
    try:
        scope = settlement_scope(QueryDict(job.query_string))
    except SettlementScopeRefused as refused:
        raise ExportFailed(str(refused)) from None
    template = SETTLEMENT_REPORT
    on_total(settlement_count(scope, shops))
    writer = open_writer(job.format, str(path), headers=headers(template, set()))
    values = plain_values(template)
    rows = 0
    xlsx = job.format == "xlsx"
    try:
        for shop in shops:
            cells = cell_functions(template, zone=shop.zone, masked=False, xlsx=xlsx)
            for batch in settlement_batches(scope, shop, values):
                writer.rows([[f(v) for f, v in zip(cells, row, strict=True)] for row in batch])
                rows += len(batch)
                on_batch(len(batch))
        cells = cell_functions(template, zone=shops[0].zone, masked=False, xlsx=xlsx)
        for total in settlement_totals(scope, shops):
            writer.rows([[f(v) for f, v in zip(cells, total_row(total), strict=True)]])
    finally:
        writer.close()
    return Generated(rows=rows, size=path.stat().st_size, sha256=_sha256(path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
