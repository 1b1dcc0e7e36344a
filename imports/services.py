"""Importing TikTok Seller Center order files (docs/imports.md): read → plan → apply.

The file is read once, within the bounds of bounds.py (its known columns spooled to a
temporary file, which a cheap pass reads to count each order's rows), then planned and
applied a batch of orders at a time, so memory stays flat whatever the file's size, inside
one transaction so that an import is all or nothing.
"""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import AuditAction, Shop
from accounts.services import audit_record
from imports.apply import ImportRefused, apply_batch, mark_owned_elsewhere
from imports.as_tiktok import plans_read
from imports.plan import Formats, OrderGroups, plan_order
from imports.read import SheetFile, UnreadableFile
from imports.report import ImportReport

Progress = Callable[[int, int], None]  # (rows read, rows in the file)


def import_tiktok_file(
    *,
    shop: Shop,
    source: bytes | Path,
    name: str = "",
    actor=None,
    dry_run: bool = False,
    skip_errors: bool = False,
    date_format: str | None = None,
    progress: Progress | None = None,
    outcomes: bool = False,
    job=None,
) -> ImportReport:
    """Read, check and (unless `dry_run`) store a file's orders in `shop`.

    `source` is the file's bytes or its path; `outcomes` lists what happened to each order;
    `job` (an ImportJob) is named in the timeline entry of each order created or changed.
    Raises UnreadableFile (not a usable file) or ImportRefused (bad rows, and skipping them
    was not asked for): then nothing is stored.
    """
    sheet = SheetFile(source, name)  # closed with this frame: the file, workbook and spool
    formats = Formats.for_shop(market=shop.market, zone=shop.zone, date_format=date_format)
    report = ImportReport(
        dry_run=dry_run, ignored_columns=sheet.ignored, outcomes=[] if outcomes else None
    )
    batches = OrderGroups(sheet, settings.IMPORT_BATCH_ORDERS)
    with transaction.atomic():
        for groups in batches:
            plans = [plan_order(group, formats) for group in groups]
            mark_owned_elsewhere(shop, plans, actor=actor)
            plans_read(plans, shop.currency)
            good = [plan for plan in plans if not plan.errors]
            report.errors.extend(error for plan in plans for error in plan.errors)
            report.note([notice for plan in plans for notice in plan.notices])
            report.skipped += len(plans) - len(good)
            report.rows += sum(len(group) for group in groups)
            if skip_errors or not report.errors:  # else only the errors are still wanted
                apply_batch(shop, good, report, write=not dry_run, job=job)
            if progress:
                progress(report.rows, batches.rows_total)
        report.errors.sort(key=lambda error: error.row)
        if report.errors and not skip_errors:
            raise ImportRefused(report.errors)
        if not dry_run:
            audit_record(
                action=AuditAction.IMPORT,
                actor=actor,
                shop=shop,
                target=name[:200] or "TikTok order file",
                payload={"summary": report.summary(), "bad_rows": report.errors.total},
            )
    return report


__all__ = ["ImportRefused", "ImportReport", "UnreadableFile", "import_tiktok_file"]
