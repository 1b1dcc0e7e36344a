"""Producing one export file: select the orders, read them in batches, write, checksum.

Everything is decided when the file is generated, not when it was requested: the orders the
requester may still export, and the masking their permissions call for today.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
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
from exports.sources import (
    copy_rows,
    copy_values,
    order_batches,
    plain_values,
    rows_count,
    rows_queryset,
)
from exports.writers import open_writer
from orders.models import Order


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
    """Write the job's file to `path`; `on_batch` is called with the rows of each batch."""
    template = job_template(job)
    user = job.requested_by
    exportable = set(shops_for_user(user, Perm.EXPORT_ORDERS).values_list("pk", flat=True))
    shops = [shop for shop in job.shops.order_by("pk") if shop.pk in exportable]
    if not shops:
        raise ExportFailed("You no longer have the export permission for these shops.")
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
                    formatted = [[f(v) for f, v in zip(cells, row, strict=True)] for row in batch]
                    writer.rows(formatted)
                    written = len(formatted)
                rows += written
                on_batch(written)
    finally:
        writer.close()
    return Generated(rows=rows, size=path.stat().st_size, sha256=_sha256(path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
