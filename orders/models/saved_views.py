"""Saved views of the order list."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Shop


class SavedView(models.Model):
    """A named set of list filters; no owner means shared with everyone in the shop."""

    name = models.CharField(max_length=80)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    query_string = models.CharField(
        max_length=2000, blank=True, help_text="Canonical query string of /orders/"
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "owner", "name"], name="savedview_unique_personal_name"
            ),
            models.UniqueConstraint(
                fields=["shop", "name"],
                condition=Q(owner__isnull=True),
                name="savedview_unique_shared_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name
