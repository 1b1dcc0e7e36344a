"""The marketplace a shop sells on, as the orders app sees it: a hook that another app fills.

`orders` must not import the app that talks to TikTok (it sits above `orders`), yet a person's
action on the order page must reach TikTok in the same transaction as the local change. So the
order services ask this registry: `platform_for(order)` is the registered platform when the
order's shop is connected to it, else None, and then the services keep their local behaviour.
The TikTok app registers its platform in its AppConfig.ready (docs/decisions.md "Actions
reach TikTok: the outbox").
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Carrier:
    """A shipping provider the platform allows for an order: its id there and its name."""

    id: str
    name: str


@dataclass(frozen=True)
class PlatformNotice:
    """What the order page says about the platform's side of an action (waiting, retried,
    refused), in a seller's words; `tone` is a message style of the page: "info",
    "success", "warning" or "error"."""

    text: str
    tone: str = "info"


@dataclass(frozen=True)
class RejectChoice:
    """A reason the platform accepts for rejecting a buyer's request: its code and words."""

    code: str
    text: str


@dataclass(frozen=True)
class PickupSlot:
    """A window in which the platform's carrier collects a parcel."""

    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """How a form names the slot: its Unix start and end."""
        return f"{int(self.start.timestamp())}-{int(self.end.timestamp())}"


@dataclass(frozen=True)
class HandoverOptions:
    """How the platform's carrier may take an order's parcel: the methods offered ("PICKUP",
    "DROP_OFF"), in the platform's order, and the pick-up slots."""

    methods: list[str]
    slots: list[PickupSlot] = field(default_factory=list)


@dataclass(frozen=True)
class ShippingDocument:
    """A document the platform made for a parcel (its shipping label, its packing slip):
    where the portal serves it, and when it was fetched (None: not yet, `note` says why)."""

    title: str
    url: str
    fetched_at: datetime | None
    note: str = ""
    refetch_url: str = ""


class PlatformUnavailable(Exception):
    """The platform could not be asked (down, not connected); the message says so to a person."""


class OrderPlatform(Protocol):
    name: str

    def connected(self, order) -> bool:
        """Do the order's actions go to the platform? False: local behaviour."""

    def shipping_refusal(self, order) -> str:
        """Why the seller may not ship this order with a tracking number on the platform
        (TikTok ships it itself, say), or "" when they may."""

    def carriers(self, order) -> list[Carrier]:
        """The providers allowed for the order; raises PlatformUnavailable."""

    def shipment_record(self, *, order, package, carrier: Carrier, actor, previous: dict) -> None:
        """Called inside the transaction that added `package`: the platform is told after
        commit. `previous` is what to restore if the platform refuses."""

    def cancel_reasons(self, order) -> list[tuple[str, str]]:
        """The reasons (key, words) the platform takes for a seller's cancellation of the order
        in its status now; [] when it takes none. Raises PlatformUnavailable."""

    def cancel_record(self, *, order, reason: str, words: str, actor, previous: dict) -> None:
        """Called inside the transaction that cancelled `order` here: the platform is told
        after commit. `previous` is what to restore if the platform refuses."""

    def notice(self, order) -> PlatformNotice | None:
        """The platform's side of the order's latest action, for the order page."""

    def reject_reasons(self, order, buyer_request) -> list[RejectChoice]:
        """The reasons the platform accepts for rejecting this request now; raises
        PlatformUnavailable."""

    def request_answer_record(
        self, *, order, buyer_request, approve: bool, reject_reason: str, comment: str, actor
    ) -> None:
        """Called inside the transaction that records a person's answer to a buyer's request:
        the platform is told after commit; raises PlatformUnavailable."""

    def request_notices(self, order) -> dict:
        """The platform's side of the last answer to each of the order's requests, by the
        request's pk, for the order page."""

    def arrange_refusal(self, order) -> str:
        """Why the platform's own shipping cannot be arranged for this order (the seller
        ships it, it has no package yet), or "" when it can."""

    def handover_options(self, order) -> HandoverOptions:
        """How the platform's carrier may take the parcel; raises PlatformUnavailable."""

    def arrangement_record(
        self, *, order, package, handover: dict | None, actor, previous: dict
    ) -> None:
        """Inside the transaction that arranged `package`: the platform is told after
        commit. `handover` is {"method", "slot"} or None for the platform's first offer."""

    def documents(self, order) -> list[ShippingDocument]:
        """The platform's documents for the order's parcels (labels, packing slips)."""


_platforms: list[OrderPlatform] = []


def platform_register(platform: OrderPlatform) -> None:
    """Add a platform (once per name: an app's ready() may run twice in tests)."""
    _platforms[:] = [p for p in _platforms if p.name != platform.name]
    _platforms.append(platform)


def platform_for(order) -> OrderPlatform | None:
    """The platform the order's actions go to, or None for a shop acting locally only."""
    for platform in _platforms:
        if platform.connected(order):
            return platform
    return None
