"""A portal shop's link to its TikTok shop, and the OAuth `state` values already used.

Tokens are stored encrypted (tiktok.crypto) in fields that no form, admin page, repr or log
shows; code reads them through `access_token` / `refresh_token` and writes them through
`tokens_set`, inside the services of tiktok.services.tokens.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tiktok.crypto import token_decrypt, token_encrypt


class ConnectionState(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_REAUTHORIZATION = "needs_reauthorization", "Needs re-authorization"
    REVOKED = "revoked", "Revoked by the seller"
    DISCONNECTED = "disconnected", "Disconnected"


class SellerType(models.TextChoices):
    LOCAL = "LOCAL", "Local"
    CROSS_BORDER = "CROSS_BORDER", "Cross-border"


class TikTokConnection(models.Model):
    """One portal shop's authorization to read its TikTok shop through the Open API."""

    shop = models.OneToOneField(
        "accounts.Shop", on_delete=models.CASCADE, related_name="tiktok_connection"
    )
    state = models.CharField(
        max_length=24, choices=ConnectionState.choices, default=ConnectionState.CONNECTED
    )
    # The TikTok shop it reads (Get Authorized Shops); empty until one is chosen.
    tiktok_shop_id = models.CharField("TikTok shop id", max_length=32, blank=True)
    tiktok_shop_name = models.CharField("TikTok shop name", max_length=200, blank=True)
    shop_cipher = models.CharField(max_length=128, blank=True)
    region = models.CharField(max_length=8, blank=True)
    seller_type = models.CharField(max_length=16, choices=SellerType.choices, blank=True)
    # Who authorized, and what they allowed (scope keys such as seller.order.info).
    open_id = models.CharField(max_length=128, blank=True)
    granted_scopes = models.JSONField(default=list, blank=True)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    # Incremental sync: every order updated before the cursor has been stored.
    sync_cursor = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # TikTok's warning that the seller's authorization runs out (a webhook): when, and when the
    # shop's administrators were last told. Cleared by authorizing again.
    authorization_expires_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "TikTok connection"
        constraints = [
            # A TikTok shop's webhooks name its id: it can feed one portal shop only.
            models.UniqueConstraint(
                fields=["tiktok_shop_id"],
                condition=~Q(tiktok_shop_id="") & ~Q(state="disconnected"),
                name="tiktok_shop_linked_once",
            ),
        ]

    def __str__(self) -> str:
        linked = self.tiktok_shop_name or self.tiktok_shop_id or "no TikTok shop chosen"
        return f"{self.shop} ↔ {linked} ({self.get_state_display()})"

    @property
    def access_token(self) -> str:
        return token_decrypt(self.access_token_encrypted)

    @property
    def refresh_token(self) -> str:
        return token_decrypt(self.refresh_token_encrypted)

    def tokens_set(self, *, access_token: str, refresh_token: str) -> None:
        """Encrypt a new pair onto the instance (the caller saves)."""
        self.access_token_encrypted = token_encrypt(access_token)
        self.refresh_token_encrypted = token_encrypt(refresh_token)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.granted_scopes or [])


class OAuthStateUse(models.Model):
    """The nonce of a signed OAuth `state` that came back once: a second use is refused.

    States are signed (tiktok.services.oauth) and carry their own expiry, so only used ones
    need a row, and rows older than that expiry can go.
    """

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "used OAuth state"

    def __str__(self) -> str:
        return f"state used {self.used_at:%Y-%m-%d %H:%M}"


class SyncJob(models.Model):
    """A back-fill (the first connection) or a re-sync from a date: the orders updated in
    [since, until) read window by window. `position` is how far it has committed, so a run
    that stops (an outage, a lost worker) is taken up where it stopped."""

    class Kind(models.TextChoices):
        BACKFILL = "backfill", "Back-fill"
        RESYNC = "resync", "Re-sync"

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REPLACED = "replaced", "Replaced by a later re-sync"

    connection = models.ForeignKey(
        TikTokConnection, on_delete=models.CASCADE, related_name="sync_jobs"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    since = models.DateTimeField()
    until = models.DateTimeField()
    position = models.DateTimeField()
    orders_stored = models.PositiveIntegerField(default=0)  # created or updated
    orders_refused = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "TikTok sync job"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(state="running"),
                name="tiktok_one_running_sync_job",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.since:%Y-%m-%d} ({self.get_state_display()})"

    @property
    def progress(self) -> float:
        """The share of the period committed, 0 to 1, for a progress bar."""
        span = (self.until - self.since).total_seconds()
        if self.state == self.State.DONE or span <= 0:
            return 1.0
        return min(1.0, max(0.0, (self.position - self.since).total_seconds() / span))


class TikTokWebhookEvent(models.Model):
    """A TikTok notification already taken: TikTok delivers one again when an answer is late
    or lost, and the repeat is dropped by its notification id."""

    notification_id = models.CharField(max_length=64, unique=True)
    type = models.PositiveIntegerField()
    tiktok_shop_id = models.CharField("TikTok shop id", max_length=32)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "TikTok webhook event"

    def __str__(self) -> str:
        return f"type {self.type} {self.notification_id}"


class TikTokAction(models.Model):
    """One thing a person did here that TikTok must hear of (the outbox): written in the
    transaction of the local change, sent after commit by a task, retried while TikTok does
    not answer, and undone here when TikTok refuses. One row per action: a retry re-reads
    TikTok's order before sending again (docs/decisions.md "Actions reach TikTok")."""

    class Kind(models.TextChoices):
        SHIP = "ship", "Ship with a tracking number"
        ARRANGE = "arrange", "Arrange TikTok shipping"
        CANCEL = "cancel", "Cancel the order"
        APPROVE_CANCEL = "approve_cancel", "Approve a cancellation request"
        REJECT_CANCEL = "reject_cancel", "Reject a cancellation request"
        APPROVE_RETURN = "approve_return", "Approve a return or refund request"
        REJECT_RETURN = "reject_return", "Reject a return or refund request"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        DONE = "done", "Done on TikTok"
        REFUSED = "refused", "Refused by TikTok"
        FAILED = "failed", "Given up"

    connection = models.ForeignKey(
        TikTokConnection, on_delete=models.CASCADE, related_name="actions"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What to send (ids, tracking number, endpoint) and what to restore if TikTok refuses.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when the last send began
    # TikTok's last answer: its code, message and request id (0 and "Success" when done).
    response_code = models.BigIntegerField(null=True, blank=True)
    response_message = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=300, blank=True)  # a transient failure, in words
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # when TikTok's final answer came

    class Meta:
        verbose_name = "TikTok action"
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double click or two people at once: one shipment of an order on its way.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(state__in=["pending", "sending"]),
                name="tiktok_one_open_action_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="tiktok_action_due_idx"),
            models.Index(fields=["order", "-created_at"], name="tiktok_action_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · order {self.order_id} ({self.get_state_display()})"


class ShippingDocument(models.Model):
    """A document TikTok made for one of its packages (the shipping label, the packing slip),
    fetched (Get Package Shipping Document, then its `doc_url`, valid 24 hours) and kept as a
    file, so that the portal serves it and prints it without sending anyone to TikTok's URL.
    One row per package and type; `problem` says why the last fetch brought nothing."""

    class Type(models.TextChoices):
        SHIPPING_LABEL = "SHIPPING_LABEL", "Shipping label"
        PACKING_SLIP = "PACKING_SLIP", "Packing slip"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey("orders.Package", on_delete=models.CASCADE, related_name="+")
    document_type = models.CharField(max_length=16, choices=Type.choices)
    file = models.FileField(upload_to="tiktok/documents/", max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)  # TikTok's, with the file
    problem = models.CharField(max_length=300, blank=True)  # the last fetch's failure, in words
    problem_code = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "TikTok shipping document"
        ordering = ["package", "document_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "document_type"], name="tiktok_one_document_per_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} · package {self.package_id}"
