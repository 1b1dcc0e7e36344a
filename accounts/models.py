"""Users, shops, memberships (a role per shop), shop object permissions and the audit log."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.roles import Perm, Role


def email_address_normalize(email: str) -> str:
    """An address as it is stored and compared: trimmed and lower-cased, so Viewer@demo.test
    and viewer@demo.test are one account (docs/decisions.md)."""
    return email.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """Sign-in (portal and Django admin) finds the account whatever the case typed."""
        return self.get(email=email_address_normalize(username or ""))

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=email_address_normalize(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address and a password."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(
        null=True, blank=True, help_text="Last request, recorded at most every few minutes."
    )
    preferred_shop = models.ForeignKey(
        "Shop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The shop picked in the header's switcher; empty means all my shops.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Stored lower-cased already; this also keeps out rows written around save().
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_lower_unique",
                violation_error_message="An account with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = email_address_normalize(self.email)

    def save(self, *args, **kwargs):
        self.email = email_address_normalize(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. America/Los_Angeles).")


class Shop(models.Model):
    """A TikTok Shop storefront in one market; permissions are granted per shop."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    market = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use a two-letter country code, e.g. US.")],
        help_text="Region/market as an ISO 3166-1 alpha-2 code (US, GB, …).",
    )
    currency = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code, e.g. USD.")],
    )
    timezone = models.CharField(max_length=64, validators=[validate_time_zone])
    require_two_factor = models.BooleanField("require two-factor for staff", default=False)
    tracking_provider = models.CharField(
        max_length=16,
        blank=True,
        choices=[
            ("", "The deployment's default"),
            ("17track", "17TRACK"),
            ("aftership", "AfterShip"),
            ("simulator", "Simulated carrier (demo only)"),
        ],
        help_text="The tracking service that follows this shop's new parcels. The default is "
        "TRACKING_DEFAULT_PROVIDER; a service whose key is not set here is not used.",
    )
    refund_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0)],
        help_text="Customer service may refund up to this amount without approval.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [(perm.value, perm.label) for perm in Perm]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_limit__gte=0), name="shop_refund_limit_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    """A user's role in one shop. Granted and revoked only through accounts.services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shop__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="membership_unique_user_shop"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.shop}"


class ShopUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission rows: guardian's generic rows join a text object id through
    the content type table, which grows slow with many rows; direct keys are its documented fast
    path, and they cascade when a shop is deleted instead of leaving orphans."""

    content_object = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="user_object_permissions"
    )


class ShopGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="group_object_permissions"
    )


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    BUYER_DATA_VIEWED = "buyer_data_viewed", "Unmasked buyer data viewed"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email link"
    TWO_FACTOR_ENABLED = "2fa_enabled", "Two-factor turned on"
    TWO_FACTOR_DISABLED = "2fa_disabled", "Two-factor turned off"
    RECOVERY_CODES_REGENERATED = "2fa_codes", "Recovery codes regenerated"
    IMPORT = "import", "Orders imported"
    EXPORT_CREATED = "export_created", "Export started"
    EXPORT_DOWNLOADED = "export_downloaded", "Export downloaded"
    EXPORT_REPORT_CREATED = "export_report_created", "Export report created"
    EXPORT_REPORT_CHANGED = "export_report_changed", "Export report changed"
    EXPORT_REPORT_DELETED = "export_report_deleted", "Export report deleted"
    EXPORT_SCHEDULE_CREATED = "export_schedule_created", "Export scheduled"
    EXPORT_SCHEDULE_DELETED = "export_schedule_deleted", "Export schedule deleted"
    TIKTOK_CONNECTED = "tiktok_connected", "TikTok Shop connected"
    TIKTOK_DISCONNECTED = "tiktok_disconnected", "TikTok Shop disconnected"
    TIKTOK_TOKEN_FAILED = "tiktok_token_failed", "TikTok authorization failed"
    TIKTOK_RESYNC = "tiktok_resync", "TikTok re-sync started"
    TIKTOK_REVOKED = "tiktok_revoked", "TikTok Shop access removed by the seller"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    WEBHOOK_CREATED = "webhook_created", "Webhook endpoint registered"
    WEBHOOK_CHANGED = "webhook_changed", "Webhook endpoint changed"
    WEBHOOK_DELETED = "webhook_deleted", "Webhook endpoint deleted"
    FINANCE_DIFFERENCE_EXPLAINED = "finance_explained", "Reconciliation difference explained"
    FINANCE_DIFFERENCE_REOPENED = "finance_reopened", "Reconciliation difference reopened"
    FINANCE_IMPORTED = "finance_imported", "Finance file imported"


class AuditEvent(models.Model):
    """Who did what, when and from where. Append-only."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_email = models.CharField(max_length=254, blank=True, help_text="As typed or at the time")
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    shop = models.ForeignKey(
        Shop, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    target = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "-created_at"], name="audit_shop_created_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.summary}"

    @property
    def summary(self) -> str:
        """The action in words, with the roles of a role event: "Role changed from Viewer to
        Accountant"."""
        role, previous = (_role_label(self.payload.get(key)) for key in ("role", "previous_role"))
        if self.action == AuditAction.ROLE_CHANGED and role and previous:
            return f"Role changed from {previous} to {role}"
        if self.action in (AuditAction.ROLE_GRANTED, AuditAction.ROLE_REVOKED) and role:
            return f"{self.get_action_display()}: {role}"
        return self.get_action_display()


def _role_label(code) -> str:
    return Role(code).label if code in Role.values else (code or "")
