"""Export jobs: the state of one file being produced by a Celery worker."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Shop


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportTemplate(models.TextChoices):
    TIKTOK_SKU_LIST = "tiktok_sku_list", "TikTok order SKU list"
    ORDERS = "orders", "Orders with totals"
    CUSTOM = "custom", "Custom report"
    SETTLEMENT = "settlement", "Settlement report (what TikTok paid)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ExportReport(models.Model):
    """A custom report: columns picked from the catalogue (`exports/columns.py`) and named."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_reports"
    )
    name = models.CharField(max_length=80)
    # [{"key": "order_id", "label": "Order"}, …] in the order the user chose.
    columns = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="exportreport_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily (yesterday)"
    WEEKLY = "weekly", "Weekly (last Monday–Sunday)"
    MONTHLY = "monthly", "Monthly (last month)"
    QUARTERLY = "quarterly", "Quarterly (last quarter)"


class ExportSchedule(models.Model):
    """An export run by beat for the previous day, week, month or quarter in the shop's zone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_schedules"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="export_schedules")
    name = models.CharField(max_length=80)
    query_string = models.CharField(
        max_length=4000, blank=True, help_text="Filters besides the dates, as in /orders/?…"
    )
    date_field = models.CharField(max_length=10, default="created")
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    template = models.CharField(max_length=20, choices=ExportTemplate.choices)
    report = models.ForeignKey(
        ExportReport, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["active", "next_run_at"], name="schedule_due_idx")]

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """One requested export; progress and outcome live on this row, not in Celery."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    shops = models.ManyToManyField(Shop, related_name="export_jobs")
    query_string = models.CharField(
        max_length=4000, blank=True, help_text="The order list filters, as in /orders/?…"
    )
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    template = models.CharField(max_length=20, choices=ExportTemplate.choices)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    report = models.ForeignKey(
        ExportReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # The report's columns as they were when the job was made, so editing it later changes
    # nothing in a queued job: [{"key": …, "label": …}].
    columns = models.JSONField(default=list, blank=True)
    order_keys = models.JSONField(
        default=list, blank=True, help_text="Ticked orders (primary keys); empty = all matching."
    )
    schedule = models.ForeignKey(
        ExportSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True, help_text="Name offered on download.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker writing the file."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_done__lte=F("rows_total")),
                name="exportjob_progress_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_owner_created_idx"),
            models.Index(fields=["status", "expires_at"], name="export_status_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.get_template_display()}, {self.format})"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.status == ExportStatus.DONE else None
        return min(100, self.rows_done * 100 // self.rows_total)
