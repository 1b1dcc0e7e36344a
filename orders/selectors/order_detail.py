"""Everything about one order for the detail page, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404

from accounts.access import shop_ids_for_user, user_has_shop_perm
from accounts.masking import BUYER_FIELD_MASKS, mask_value
from accounts.models import User
from accounts.roles import Perm
from accounts.tracking_providers import configured_providers
from orders.exceptions import AmbiguousOrder
from orders.models import Order, OrderEvent, OrderLine, Package, Refund
from orders.risk import Risk, order_risks, row_risks, with_row_risks
from orders.selectors import order_list_for_user
from orders.selectors.buyer_requests import request_cards
from orders.selectors.timeline import TimelineEntry, timeline_entries
from orders.statuses import FINAL_TRACKING_STATUSES, ActorType, EventKind

# (label, payment field) in the order TikTok's breakdown adds up.
MONEY_ROWS = (
    ("Products (original price)", "original_total_product_price"),
    ("Seller discount", "seller_discount"),
    ("Platform discount", "platform_discount"),
    ("Subtotal", "sub_total"),
    ("Shipping (original)", "original_shipping_fee"),
    ("Shipping seller discount", "shipping_fee_seller_discount"),
    ("Shipping platform discount", "shipping_fee_platform_discount"),
    ("Shipping", "shipping_fee"),
    ("Tax", "tax"),
    ("Retail delivery fee", "retail_delivery_fee"),
    ("Total", "total_amount"),
    ("Refunded", "refunded_amount"),
)
DISCOUNTS = {
    "seller_discount",
    "platform_discount",
    "shipping_fee_seller_discount",
    "shipping_fee_platform_discount",
    "refunded_amount",
}
TIMESTAMPS = (
    ("Created", "create_time"),
    ("Paid", "paid_time"),
    ("Ready to ship", "rts_time"),
    ("Shipped", "collection_time"),
    ("Delivered", "delivery_time"),
    ("Cancelled", "cancel_time"),
    ("Updated", "update_time"),
    ("Ship by", "shipping_due_time"),
    ("Deliver by", "delivery_due_time"),
)


@dataclass(frozen=True)
class OrderSource:
    """Where an order came from and when that source last changed it (in the shop's zone)."""

    label: str
    updated_at: datetime


@dataclass
class OrderDetail:
    order: Order
    unmasked: bool
    contact: dict[str, str]
    lines: list[OrderLine]
    packages: list[Package]
    refunds: list[Refund]
    timeline: list[TimelineEntry]
    money: list[tuple[str, object, bool]]
    times: list[tuple[str, datetime]]
    billing_differs: bool
    risks: list[Risk]
    shipping_lines: list[str]
    billing_lines: list[str]
    name_zones: bool = False  # the user has several shops: each time names its zone
    source: OrderSource | None = None  # where the order came from, when not made here
    requests: list = field(default_factory=list)  # buyers' requests (selectors/buyer_requests)

    @property
    def tracking_live(self) -> bool:
        """A parcel is still on its way with a provider following it: refresh the section."""
        return any(p.followed for p in self.packages)

    @property
    def has_tracking_number(self) -> bool:
        """A parcel has its tracking number: a person may then mark the order shipped."""
        return any(p.tracking_number for p in self.packages)

    @property
    def net(self):
        return self.order.total_amount - self.order.refunded_amount


def _address_lines(*parts) -> list[str]:
    """An address's lines, empty ones left out (an imported file may have no street); a
    tuple is the (city, state, postal code) line."""
    lines = (_city_line(*part) if isinstance(part, tuple) else (part or "") for part in parts)
    return [line.strip() for line in lines if line.strip()]


def _city_line(city: str, state: str, postal: str) -> str:
    place = ", ".join(bit for bit in (city, state) if bit)
    return " ".join(bit for bit in (place, postal) if bit)


def order_for_user(*, user: User, order_id: str, shop: str = "") -> Order:
    """The order with this TikTok id in one of the user's shops (the shop with slug `shop`,
    when given); Http404 otherwise, AmbiguousOrder when several shops have it."""
    found = list(
        with_row_risks(order_list_for_user(user=user))
        .select_related("shop")
        .filter(order_id=order_id)
        .order_by("shop__name", "shop_id")
    )
    matches = [order for order in found if order.shop.slug == shop] if shop else found
    if not matches:
        raise Http404("No such order in your shops.")
    if len(matches) > 1:
        raise AmbiguousOrder(matches)
    order = matches[0]
    order.id_in_other_shop = len(found) > 1  # its links must then name the shop (orders/links.py)
    return order


def order_source(events: list[OrderEvent], zone) -> OrderSource | None:
    """TikTok Shop (its sync or its webhooks), else a TikTok order file, else None: the order
    was made here."""
    from_tiktok = [
        e
        for e in events
        if e.actor_type == ActorType.TIKTOK and e.payload.get("source") in ("sync", "webhook")
    ]
    if from_tiktok:
        return OrderSource("TikTok Shop", max(e.occurred_at for e in from_tiktok).astimezone(zone))
    imported = [e for e in events if e.kind == EventKind.IMPORTED]
    if imported:
        latest = max(e.occurred_at for e in imported).astimezone(zone)
        return OrderSource("a TikTok order file", latest)
    return None


def order_detail_for_user(*, user: User, order_id: str, shop: str = "") -> OrderDetail:
    """Everything the detail page shows about the order, as `user` may see it."""
    order = order_for_user(user=user, order_id=order_id, shop=shop)
    zone = order.shop.zone
    unmasked = user_has_shop_perm(user, order.shop, Perm.SEE_BUYER_CONTACT)
    contact = {
        field: getattr(order, field) if unmasked else mask_value(field, getattr(order, field))
        for field in BUYER_FIELD_MASKS
    }
    packages = list(order.packages.prefetch_related("checkpoints").order_by("pk"))
    providers = configured_providers()
    for package in packages:
        # Still travelling, and followed by a provider configured here, or by none (the parcel
        # of a provider since removed, such as the demo's simulator, is not followed either).
        travelling = package.tracking_status not in FINAL_TRACKING_STATUSES
        known = package.tracking_provider in providers
        package.followed = travelling and known
        package.unfollowed = travelling and not known and bool(package.tracking_number)
    events = list(order.events.select_related("actor"))
    timeline = timeline_entries(events, packages, zone)
    return OrderDetail(
        order=order,
        unmasked=unmasked,
        contact=contact,
        lines=list(order.lines.select_related("package").order_by("pk")),
        packages=packages,
        refunds=list(order.refunds.select_related("requested_by", "approved_by")),
        timeline=timeline,
        source=order_source(events, zone),
        money=[
            (label, getattr(order, field), field in DISCOUNTS)
            for label, field in MONEY_ROWS
            if getattr(order, field) or field in ("sub_total", "shipping_fee", "total_amount")
        ],
        times=[
            (label, getattr(order, field).astimezone(zone))
            for label, field in TIMESTAMPS
            if getattr(order, field)
        ],
        billing_differs=bool({"billing_country", "billing_address"} & row_risks(order)),
        risks=order_risks(order),
        shipping_lines=_address_lines(
            contact["recipient_name"],
            contact["address_line1"],
            contact["address_line2"],
            (order.city, order.state, contact["postal_code"]),
            order.region_code,
        ),
        billing_lines=_address_lines(
            contact["billing_name"],
            contact["billing_address_line1"],
            contact["billing_address_line2"],
            (order.billing_city, order.billing_state, contact["billing_postal_code"]),
            order.billing_region_code,
        ),
        name_zones=len(shop_ids_for_user(user, Perm.VIEW_ORDERS)) > 1,
        requests=request_cards(order, zone),
    )
