"""Personal access tokens for the read API (docs/api.md)."""

from django.db import models
from django.utils import timezone

from accounts.models import Shop, User
from api.scopes import Scope


class ApiToken(models.Model):
    """A person's token for their own scripts: what it covers, never the secret itself.

    It grants nothing on its own: each request is checked against the owner's permissions in
    the shop at that moment (api/authentication.py, accounts.access).
    """

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, in the owner's words")
    lookup = models.CharField(max_length=8, db_index=True, help_text="Shown to recognise it")
    secret_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    shops = models.ManyToManyField(Shop, related_name="api_tokens")
    scopes = models.JSONField(default=list, help_text="Scope codes (api/scopes.py)")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown})"

    @property
    def shown(self) -> str:
        """How the token is recognised on pages: its first characters."""
        return f"sc_pat_{self.lookup}…"

    @property
    def scope_words(self) -> str:
        return ", ".join(Scope(code).label for code in self.scopes if code in Scope.values)

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
