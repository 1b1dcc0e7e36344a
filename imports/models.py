"""An uploaded TikTok order file and its way in: preview, then apply."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Shop


class ImportJob(models.Model):
    """One uploaded TikTok order file on its way in: previewed (a dry run), then applied.

    Small files go through both stages in the request; larger ones in a worker, whose
    progress the page reads from the cache (the import itself is one transaction).
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", "Preview"
        APPLY = "apply", "Import"

    class Kind(models.TextChoices):
        """What the file is, which names the service that reads it (imports.jobs.IMPORTERS)."""

        ORDERS = "orders", "TikTok order file"
        FINANCE = "finance", "Seller Center finance file"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ORDERS)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/", max_length=200, blank=True)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveBigIntegerField(default=0)
    skip_errors = models.BooleanField(default=False)
    date_format = models.CharField(max_length=8, blank=True)
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.PREVIEW)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Runs of the current stage; more than one means a worker was lost and it was restarted.
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the stage was last claimed or queued again. The worker's live heartbeat is in the
    # cache: the import's own transaction would hide a row it wrote (imports/jobs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_importjob"  # created by orders before imports was an app
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["shop", "-created_at"], name="importjob_shop_created_idx"),
            models.Index(fields=["state"], name="importjob_state_idx"),  # busy jobs: recovery
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=["preview", "apply"]), name="importjob_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["orders", "finance"]), name="importjob_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "finished", "failed"]),
                name="importjob_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.shop}"

    @property
    def busy(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def previewed(self) -> bool:
        """A finished preview: what its page offers to import."""
        return self.stage == self.Stage.PREVIEW and self.state == self.State.FINISHED

    @property
    def status_label(self) -> str:
        if self.state == self.State.FAILED:
            return "Failed"
        if self.stage == self.Stage.PREVIEW:
            return "Previewed" if self.state == self.State.FINISHED else "Checking the file"
        return "Imported" if self.state == self.State.FINISHED else "Importing"
