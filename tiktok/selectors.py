"""What the "TikTok Shop" pages show: a shop's connection in words, and the shops a person may
connect. Reads only; nothing here calls TikTok."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import shops_for_user, shops_in_view
from accounts.models import AuditAction, AuditEvent, Shop, User
from accounts.roles import Perm
from tiktok.models import ConnectionState, SyncJob, TikTokConnection

# The environment variables a portal needs before any shop can connect, with what each is.
CREDENTIALS = (
    ("TIKTOK_APP_KEY", "the app key of your app in TikTok Shop Partner Center"),
    ("TIKTOK_APP_SECRET", "the app secret shown beside the app key"),
    ("TIKTOK_SERVICE_ID", "the app's ID shown under its name in Partner Center (not the app key)"),
)
# What the portal asks TikTok for; a connection without these cannot read orders.
NEEDED_SCOPES = ("seller.authorization.info", "seller.order.info")
SCOPE_NAMES = {
    "seller.authorization.info": "Shop authorized information",
    "seller.shop.info": "Global shop information",
    "seller.order.info": "Order information",
    "seller.fulfillment.basic": "Fulfillment basic",
    "seller.fulfillment.package.write": "Package split and combine",
    "seller.logistics": "Logistics basic",
    "seller.delivery.status.write": "Update delivery status",
    "seller.return_refund.basic": "Return and refund basic",
    "seller.finance.info": "Finance information",
}
TIKTOK_EVENTS = (
    AuditAction.TIKTOK_CONNECTED,
    AuditAction.TIKTOK_DISCONNECTED,
    AuditAction.TIKTOK_TOKEN_FAILED,
    AuditAction.TIKTOK_RESYNC,
    AuditAction.TIKTOK_REVOKED,
)
HISTORY = 8

# Each state of the page: a short badge and a sentence saying what it means for the seller.
STATE_WORDS = {
    "not_connected": (
        "Not connected",
        "Orders reach the portal only from files you import. Connect to have new orders and "
        "their changes arrive by themselves.",
    ),
    "choose_shop": (
        "Choose a TikTok shop",
        "TikTok authorized the portal, but no TikTok shop is linked to this shop yet.",
    ),
    ConnectionState.CONNECTED: (
        "Connected",
        "New orders and their changes arrive from TikTok Shop by themselves.",
    ),
    ConnectionState.NEEDS_REAUTHORIZATION: (
        "Needs authorizing again",
        "TikTok no longer accepts the portal's authorization, so no orders arrive. Connect "
        "again to resume; nothing is lost meanwhile.",
    ),
    ConnectionState.REVOKED: (
        "Access removed in TikTok",
        "The portal's access was removed in TikTok Shop, so no orders arrive. Connect again to "
        "resume.",
    ),
    ConnectionState.DISCONNECTED: (
        "Disconnected",
        "Someone disconnected this shop: the portal no longer reads its TikTok shop. Orders "
        "already here stay.",
    ),
}


@dataclass(frozen=True)
class Scope:
    key: str
    name: str


@dataclass
class ConnectionPage:
    shop: Shop
    connection: TikTokConnection | None
    missing_settings: list[tuple[str, str]]
    state: str
    badge: str
    explanation: str
    scopes: list[Scope] = field(default_factory=list)
    missing_scopes: list[Scope] = field(default_factory=list)
    lag: timedelta | None = None
    history: list[AuditEvent] = field(default_factory=list)

    @property
    def configured(self) -> bool:
        return not self.missing_settings

    @property
    def linked(self) -> bool:
        return self.state == ConnectionState.CONNECTED

    @property
    def expires_at(self) -> datetime | None:
        """When TikTok said the seller's authorization runs out (while it still reads)."""
        if self.connection is None or self.state != ConnectionState.CONNECTED:
            return None
        return self.connection.authorization_expires_at

    @property
    def can_connect(self) -> bool:
        # Connected but lacking a scope, or about to expire: authorizing again renews it.
        return self.configured and (
            self.state != ConnectionState.CONNECTED
            or bool(self.missing_scopes)
            or self.expires_at is not None
        )

    @property
    def can_disconnect(self) -> bool:
        return self.connection is not None and self.state != ConnectionState.DISCONNECTED


def connection_shops_for_user(*, user: User) -> QuerySet[Shop]:
    """The shops whose TikTok connection `user` may manage."""
    return shops_for_user(user, Perm.MANAGE_CONNECTIONS)


def connection_shops_in_view(*, user: User) -> list[tuple[Shop, str]]:
    """The shops the switcher shows that `user` may connect, each with its state's badge."""
    shops = list(shops_in_view(user, Perm.MANAGE_CONNECTIONS).order_by("name"))
    connections = {c.shop_id: c for c in TikTokConnection.objects.filter(shop__in=shops)}
    return [(shop, STATE_WORDS[_state(connections.get(shop.pk))][0]) for shop in shops]


def connection_for_shop(*, shop: Shop) -> TikTokConnection | None:
    return TikTokConnection.objects.filter(shop=shop).select_related("shop").first()


def tiktok_missing_settings() -> list[tuple[str, str]]:
    """The credentials this portal lacks, by environment variable name."""
    return [(name, what) for name, what in CREDENTIALS if not getattr(settings, name, "")]


def _state(connection: TikTokConnection | None) -> str:
    if connection is None:
        return "not_connected"
    if connection.state == ConnectionState.CONNECTED and not connection.tiktok_shop_id:
        return "choose_shop"
    return connection.state


def _scope(key: str) -> Scope:
    return Scope(key=key, name=SCOPE_NAMES.get(key, key))


def connection_page(*, shop: Shop, now: datetime | None = None) -> ConnectionPage:
    """Everything the shop's "TikTok Shop" page says about its connection."""
    connection = connection_for_shop(shop=shop)
    state = _state(connection)
    badge, explanation = STATE_WORDS[state]
    page = ConnectionPage(
        shop=shop,
        connection=connection,
        missing_settings=tiktok_missing_settings(),
        state=state,
        badge=badge,
        explanation=explanation,
        history=list(
            AuditEvent.objects.filter(shop=shop, action__in=TIKTOK_EVENTS)
            .select_related("actor")
            .order_by("-created_at", "-pk")[:HISTORY]
        ),
    )
    if connection is not None:
        granted = list(connection.granted_scopes or [])
        page.scopes = [_scope(key) for key in granted]
        page.missing_scopes = [_scope(key) for key in NEEDED_SCOPES if key not in granted]
        if connection.sync_cursor and state == ConnectionState.CONNECTED:
            page.lag = max((now or timezone.now()) - connection.sync_cursor, timedelta(0))
    return page


def sync_job_latest(*, connection: TikTokConnection) -> SyncJob | None:
    """The back-fill or re-sync running now, else the last one: its `progress` (0 to 1) and
    counts are committed window by window, so a page polling it sees them move."""
    jobs = SyncJob.objects.filter(connection=connection)
    return jobs.filter(state=SyncJob.State.RUNNING).first() or jobs.first()


def connections_health(*, now: datetime | None = None) -> dict:
    """For /healthz: each linked connection (by id) with its state, how far its sync is behind
    (seconds since the cursor) and whether its last attempt failed. No names, no error text:
    the probe is not signed in."""
    now = now or timezone.now()
    health = {}
    linked = TikTokConnection.objects.exclude(tiktok_shop_id="").exclude(
        state=ConnectionState.DISCONNECTED
    )
    for connection in linked.order_by("pk"):
        cursor, synced = connection.sync_cursor, connection.last_synced_at
        failed = connection.last_error_at is not None and (
            synced is None or connection.last_error_at > synced
        )
        health[str(connection.pk)] = {
            "state": connection.state,
            "lag_seconds": round((now - cursor).total_seconds()) if cursor else None,
            "failing": failed,
        }
    return health
