"""TikTok Shop's status vocabularies (docs/tiktok.md) and our tracking one (docs/tracking.md)."""

from functools import cache

from django.db import models


class OrderStatus(models.TextChoices):
    UNPAID = "UNPAID", "Unpaid"
    ON_HOLD = "ON_HOLD", "On hold"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT", "Awaiting shipment"
    PARTIALLY_SHIPPING = "PARTIALLY_SHIPPING", "Partially shipping"
    AWAITING_COLLECTION = "AWAITING_COLLECTION", "Awaiting collection"
    IN_TRANSIT = "IN_TRANSIT", "In transit"
    DELIVERED = "DELIVERED", "Delivered"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


# Paid and not yet handed to a carrier: the ship-by deadline runs (the needs-action counters).
TO_SHIP = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING)
# Not yet collected by the carrier: a parcel may still get its tracking number.
UNSHIPPED = (*TO_SHIP, OrderStatus.AWAITING_COLLECTION)


class LineStatus(models.TextChoices):
    """`line_items[].display_status`: no ON_HOLD or PARTIALLY_SHIPPING at line level."""

    UNPAID = "UNPAID", "Unpaid"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT", "Awaiting shipment"
    AWAITING_COLLECTION = "AWAITING_COLLECTION", "Awaiting collection"
    IN_TRANSIT = "IN_TRANSIT", "In transit"
    DELIVERED = "DELIVERED", "Delivered"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class PackageStatus(models.TextChoices):
    TO_FULFILL = "TO_FULFILL", "To fulfil"
    PROCESSING = "PROCESSING", "Processing"
    FULFILLING = "FULFILLING", "Fulfilling"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class TrackingStatus(models.TextChoices):
    """The one normalized tracking vocabulary every carrier adapter maps into (docs/tracking.md)."""

    PENDING = "PENDING", "Pending"
    INFO_RECEIVED = "INFO_RECEIVED", "Info received"
    IN_TRANSIT = "IN_TRANSIT", "In transit"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY", "Out for delivery"
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP", "Available for pickup"
    ATTEMPT_FAIL = "ATTEMPT_FAIL", "Delivery attempt failed"
    DELIVERED = "DELIVERED", "Delivered"
    EXCEPTION = "EXCEPTION", "Exception"
    RETURNING = "RETURNING", "Returning to sender"
    RETURNED = "RETURNED", "Returned to sender"
    EXPIRED = "EXPIRED", "Expired"


# What an order's lines and packages say once the order reaches a status (docs/tiktok.md;
# docs/decisions.md "Lines and packages follow the order"). None: they keep their own, as a
# partially shipped order's lines do. Lines and packages only move forward (in the order of
# their vocabulary) and a cancelled one stays cancelled; cancelling the order cancels those
# not yet delivered.
LINE_STATUS_FOR_ORDER: dict[str, str | None] = {
    OrderStatus.UNPAID: LineStatus.UNPAID,
    OrderStatus.ON_HOLD: LineStatus.AWAITING_SHIPMENT,
    OrderStatus.AWAITING_SHIPMENT: LineStatus.AWAITING_SHIPMENT,
    OrderStatus.PARTIALLY_SHIPPING: None,
    OrderStatus.AWAITING_COLLECTION: LineStatus.AWAITING_COLLECTION,
    OrderStatus.IN_TRANSIT: LineStatus.IN_TRANSIT,
    OrderStatus.DELIVERED: LineStatus.DELIVERED,
    OrderStatus.COMPLETED: LineStatus.COMPLETED,
    OrderStatus.CANCELLED: LineStatus.CANCELLED,
}
PACKAGE_STATUS_FOR_ORDER: dict[str, str | None] = {
    OrderStatus.UNPAID: None,
    OrderStatus.ON_HOLD: None,
    OrderStatus.AWAITING_SHIPMENT: None,
    OrderStatus.PARTIALLY_SHIPPING: None,
    OrderStatus.AWAITING_COLLECTION: PackageStatus.PROCESSING,
    OrderStatus.IN_TRANSIT: PackageStatus.FULFILLING,
    OrderStatus.DELIVERED: PackageStatus.COMPLETED,
    OrderStatus.COMPLETED: PackageStatus.COMPLETED,
    OrderStatus.CANCELLED: PackageStatus.CANCELLED,
}

FINAL_TRACKING_STATUSES = frozenset(
    {TrackingStatus.DELIVERED, TrackingStatus.RETURNED, TrackingStatus.EXPIRED}
)


class FulfillmentType(models.TextChoices):
    BY_SELLER = "FULFILLMENT_BY_SELLER", "Fulfilled by seller"
    BY_TIKTOK = "FULFILLMENT_BY_TIKTOK", "Fulfilled by TikTok"


class OrderType(models.TextChoices):
    NORMAL = "NORMAL", "Normal"
    PRE_ORDER = "PRE_ORDER", "Pre-order"
    MADE_TO_ORDER = "MADE_TO_ORDER", "Made to order"
    BACK_ORDER = "BACK_ORDER", "Back order"
    ZERO_LOTTERY = "ZERO_LOTTERY", "Zero lottery"


class CancelInitiator(models.TextChoices):
    SELLER = "SELLER", "Seller"
    BUYER = "BUYER", "Buyer"
    SYSTEM = "SYSTEM", "System"


class ActorType(models.TextChoices):
    USER = "user", "Person"
    SYSTEM = "system", "System"
    CARRIER = "carrier", "Carrier"
    TIKTOK = "tiktok", "TikTok"


class EventKind(models.TextChoices):
    CREATED = "created", "Order created"
    STATUS_CHANGED = "status_changed", "Status changed"
    UPDATED = "updated", "Details updated"  # by TikTok, its status unchanged
    TRACKING_UPDATED = "tracking_updated", "Tracking updated"
    NOTE = "note", "Internal note"
    MESSAGE_FROM_BUYER = "message_in", "Message from buyer"
    MESSAGE_TO_BUYER = "message_out", "Message to buyer"
    REFUND = "refund", "Refund"
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused by TikTok"  # an action TikTok did not accept, undone here


class RequestKind(models.TextChoices):
    """A buyer's (or TikTok's) after-sale request on an order: before shipping a cancellation
    (`cancel_id`), after it a return or refund (`return_id`)."""

    CANCELLATION = "cancellation", "Cancellation"
    RETURN = "return", "Return or refund"


class RequestType(models.TextChoices):
    """`cancel_type` and `return_type` of TikTok's requests; an unknown one is kept as sent."""

    CANCEL = "CANCEL", "Cancellation"
    BUYER_CANCEL = "BUYER_CANCEL", "Cancellation asked by the buyer"
    REFUND = "REFUND", "Refund only (buyer keeps the item)"
    RETURN_AND_REFUND = "RETURN_AND_REFUND", "Return and refund"
    REPLACEMENT = "REPLACEMENT", "Replacement"


class RequestStatus(models.TextChoices):
    """`cancel_status` and `return_status`, TikTok's wire values. Both spellings of a
    withdrawn cancellation are TikTok's (its docs disagree)."""

    CANCELLATION_REQUEST_PENDING = "CANCELLATION_REQUEST_PENDING", "Cancellation requested"
    CANCELLATION_REQUEST_SUCCESS = "CANCELLATION_REQUEST_SUCCESS", "Cancellation approved"
    CANCELLATION_REQUEST_CANCEL = "CANCELLATION_REQUEST_CANCEL", "Cancellation withdrawn"
    CANCELLATION_REQUEST_CANCELLED = "CANCELLATION_REQUEST_CANCELLED", "Cancellation withdrawn"
    CANCELLATION_REQUEST_COMPLETE = "CANCELLATION_REQUEST_COMPLETE", "Cancelled and refunded"
    RETURN_OR_REFUND_REQUEST_PENDING = (
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "Return or refund requested",
    )
    REFUND_OR_RETURN_REQUEST_REJECT = "REFUND_OR_RETURN_REQUEST_REJECT", "Request rejected"
    AWAITING_BUYER_SHIP = "AWAITING_BUYER_SHIP", "Waiting for the buyer to send it back"
    BUYER_SHIPPED_ITEM = "BUYER_SHIPPED_ITEM", "Buyer sent the item back"
    REJECT_RECEIVE_PACKAGE = "REJECT_RECEIVE_PACKAGE", "Returned item rejected"
    RETURN_OR_REFUND_REQUEST_SUCCESS = "RETURN_OR_REFUND_REQUEST_SUCCESS", "Refund approved"
    RETURN_OR_REFUND_REQUEST_CANCEL = "RETURN_OR_REFUND_REQUEST_CANCEL", "Request withdrawn"
    RETURN_OR_REFUND_REQUEST_COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE", "Refunded"
    REPLACEMENT_REQUEST_PENDING = "REPLACEMENT_REQUEST_PENDING", "Replacement requested"
    REPLACEMENT_REQUEST_REJECT = "REPLACEMENT_REQUEST_REJECT", "Replacement rejected"
    REPLACEMENT_REQUEST_REFUND_SUCCESS = (
        "REPLACEMENT_REQUEST_REFUND_SUCCESS",
        "Refunded instead of replaced",
    )
    REPLACEMENT_REQUEST_CANCEL = "REPLACEMENT_REQUEST_CANCEL", "Replacement withdrawn"
    REPLACEMENT_REQUEST_COMPLETE = "REPLACEMENT_REQUEST_COMPLETE", "Replaced"


class RefundStatus(models.TextChoices):
    REQUESTED = "REQUESTED", "Requested"
    APPROVED = "APPROVED", "Approved"
    COMPLETED = "COMPLETED", "Completed"
    REJECTED = "REJECTED", "Rejected"


# TikTok's export words for our statuses (docs/tiktok.md): the status tab, then the
# sub-status. Each pair is unique, so an import reads the status back from the sub-status.
TIKTOK_STATUS = {
    OrderStatus.UNPAID: ("Unpaid", "Unpaid"),
    OrderStatus.ON_HOLD: ("On hold", "On hold"),
    OrderStatus.AWAITING_SHIPMENT: ("To ship", "Awaiting shipment"),
    OrderStatus.PARTIALLY_SHIPPING: ("To ship", "Partially shipped"),
    OrderStatus.AWAITING_COLLECTION: ("To ship", "Awaiting collection"),
    OrderStatus.IN_TRANSIT: ("Shipped", "In transit"),
    OrderStatus.DELIVERED: ("Delivered", "Delivered"),
    OrderStatus.COMPLETED: ("Completed", "Completed"),
    OrderStatus.CANCELLED: ("Cancelled", "Cancelled"),
}
TIKTOK_FULFILMENT = {
    FulfillmentType.BY_SELLER: "Fulfillment by seller",
    FulfillmentType.BY_TIKTOK: "Fulfillment by TikTok Shop",
}
TIKTOK_ORDER_TYPE = {t: ("Pre-order" if t == OrderType.PRE_ORDER else "Normal") for t in OrderType}
# The Country column of TikTok's order files names the country; we store its ISO code.
TIKTOK_COUNTRY = {
    "US": "United States",
    "GB": "United Kingdom",
    "TH": "Thailand",
    "MY": "Malaysia",
    "VN": "Vietnam",
    "ID": "Indonesia",
    "PH": "Philippines",
    "SG": "Singapore",
}


# Every vocabulary a person may see a code of, by the name templates use (`{{ code|words:"tracking"
# }}`, orders/templatetags/words.py). Pages, emails, admin lists and our own export templates
# show these words; only TikTok's export template keeps TikTok's own (TIKTOK_* above).
VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "order": OrderStatus,
    "line": LineStatus,
    "package": PackageStatus,
    "tracking": TrackingStatus,
    "refund": RefundStatus,
    "request_kind": RequestKind,
    "request_type": RequestType,
    "request_status": RequestStatus,
    "event": EventKind,
    "actor": ActorType,
    "cancel_by": CancelInitiator,
    "fulfilment": FulfillmentType,
    "order_type": OrderType,
}


def status_label(choices: type[models.TextChoices], code) -> str:
    """What a person reads for `code` ("In transit", not IN_TRANSIT); "" for none, and an
    unknown code (a spelling TikTok or a carrier added since) in words of its own."""
    if code in (None, ""):
        return ""
    try:
        return choices(code).label
    except ValueError:
        return str(code).replace("_", " ").capitalize()


def words(vocabulary: str, code) -> str:
    """`code` of the vocabulary named `vocabulary` (a key of VOCABULARIES) in words."""
    return status_label(VOCABULARIES[vocabulary], code)


def part_status_followed(current: str, order_status: str, *, package: bool = False) -> str:
    """What a line's status (a package's, with `package`) becomes once its order is in
    `order_status`: parts only move forward; a cancelled one stays cancelled, and cancelling
    the order cancels only those not delivered yet."""
    choices, table, delivered = (
        (PackageStatus, PACKAGE_STATUS_FOR_ORDER, PackageStatus.COMPLETED)
        if package
        else (LineStatus, LINE_STATUS_FOR_ORDER, LineStatus.DELIVERED)
    )
    target = table[OrderStatus(order_status)]
    if not target or current in part_statuses_kept(choices, target, delivered):
        return current
    return target


@cache  # asked for every line and package stored; Django builds `.values` anew each time
def part_statuses_kept(choices, target: str, delivered: str) -> tuple[str, ...]:
    """Statuses a line or package keeps when its order's parts move to `target`."""
    progress = [code for code in choices.values if code != choices.CANCELLED]
    if target == choices.CANCELLED:
        return (choices.CANCELLED, *progress[progress.index(delivered) :])
    return (choices.CANCELLED, *progress[progress.index(target) :])
