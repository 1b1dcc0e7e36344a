"""Importing TikTok Seller Center order files (SPEC §8): read → plan → apply."""

from accounts.models import Shop

from .apply import ImportRefused, ImportReport, import_apply
from .plan import plan_orders
from .read import UnreadableFile, read_sheet


def import_tiktok_file(
    *,
    shop: Shop,
    data: bytes,
    name: str = "",
    actor=None,
    dry_run: bool = False,
    skip_errors: bool = False,
    date_format: str | None = None,
) -> ImportReport:
    """Read, check and (unless `dry_run`) store a file's orders in `shop`.

    Raises UnreadableFile (not a usable file) or ImportRefused (bad rows, not skipped).
    """
    sheet = read_sheet(data, name)
    plans = plan_orders(sheet, market=shop.market, zone=shop.zone, date_format=date_format)
    return import_apply(
        shop=shop,
        plans=plans,
        actor=actor,
        dry_run=dry_run,
        skip_errors=skip_errors,
        file_name=name,
    )


__all__ = ["ImportRefused", "ImportReport", "UnreadableFile", "import_tiktok_file"]
