from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Shop
from imports.models import ImportJob
from imports.plan import DATE_FORMATS, notice_words
from imports.services import ImportRefused, UnreadableFile, import_tiktok_file

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import a TikTok Seller Center order SKU list export (CSV or XLSX) into a shop."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change.")
        parser.add_argument(
            "--skip-errors", action="store_true", help="Import the good orders, list the bad rows."
        )
        parser.add_argument(
            "--date-format",
            choices=sorted(DATE_FORMATS),
            help="us: MM/DD/YYYY hh:mm:ss AM; dmy: DD/MM/YYYY HH:MM:SS (default: by market).",
        )

    def handle(self, *args, file, shop, dry_run, skip_errors, date_format, **options):
        store = Shop.objects.filter(slug=shop).first()
        if store is None:
            raise CommandError(f"No shop {shop!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file!r}.")
        try:
            with transaction.atomic():  # the job is kept only with the orders it stored
                job = None if dry_run else _job_start(store, path, skip_errors, date_format)
                report = import_tiktok_file(
                    shop=store,
                    source=path,
                    name=path.name,
                    dry_run=dry_run,
                    skip_errors=skip_errors,
                    date_format=date_format,
                    job=job,
                )
                if job is not None:  # the import page's history lists it beside uploads
                    job.state = ImportJob.State.FINISHED
                    job.rows_total = report.rows
                    job.report = report.as_dict()
                    job.finished_at = timezone.now()
                    job.save(update_fields=["state", "rows_total", "report", "finished_at"])
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        except ImportRefused as refused:
            for error in refused.errors[:SHOWN_ERRORS]:
                self.stderr.write(f"  {error}")
            more = refused.total - min(SHOWN_ERRORS, len(refused.errors))
            if more > 0:
                self.stderr.write(f"  … and {more} more")
            them = "it" if refused.total == 1 else "them"
            raise CommandError(
                f"Nothing was imported: {refused} Fix {them} or use --skip-errors."
            ) from None
        for error in list(report.errors)[:SHOWN_ERRORS]:
            self.stderr.write(f"  skipped: {error}")
        if report.ignored_columns:
            self.stdout.write(f"Columns not used: {', '.join(report.ignored_columns)}.")
        if report.notice_count:
            self.stdout.write(notice_words(report.notice_count))
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(prefix + report.summary())


def _job_start(shop: Shop, path: Path, skip_errors: bool, date_format: str | None) -> ImportJob:
    now = timezone.now()
    return ImportJob.objects.create(
        shop=shop,
        file_name=path.name[:200],
        file_size=path.stat().st_size,
        skip_errors=skip_errors,
        date_format=date_format or "",
        stage=ImportJob.Stage.APPLY,
        state=ImportJob.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
    )
