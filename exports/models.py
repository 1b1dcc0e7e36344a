"""Export jobs (SPEC §7): the state of one file being produced by a Celery worker."""

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


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


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
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
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
