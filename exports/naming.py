"""The name a finished export is stored and downloaded under."""

from django.utils.text import slugify

from exports.models import ExportJob

TEMPLATE_SLUGS = {
    "tiktok_sku_list": "order-sku-list",
    "orders": "orders",
    "custom": "report",
    "settlement": "settlement-report",
}


def export_file_name(job: ExportJob) -> str:
    """e.g. `glow-and-go-us_order-sku-list_2026-11-01_to_2026-11-30_export-42.csv`."""
    shops = list(job.shops.order_by("slug").values_list("slug", "timezone"))
    who = shops[0][0] if len(shops) == 1 else f"{len(shops)}-shops"
    what = TEMPLATE_SLUGS.get(job.template, "export")
    if job.report_id:
        what = slugify(job.report.name)[:40] or what
    params = dict(part.split("=", 1) for part in job.query_string.split("&") if "=" in part)
    when = params.get("period", "") or params.get("month", "")
    if params.get("statement"):
        when = f"statement-{params['statement']}"
    if params.get("date_from") or params.get("date_to"):
        when = f"{params.get('date_from', 'start')}_to_{params.get('date_to', 'now')}"
    if not when:
        when = job.created_at.strftime("%Y-%m-%d")
    parts = [who, what, slugify(when), f"export-{job.pk}"]
    return "_".join(p for p in parts if p) + f".{job.format}"
