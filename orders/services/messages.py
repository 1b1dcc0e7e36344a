"""Messages to the buyer, sent by email to TikTok's relay address and kept in the timeline."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from accounts.roles import Perm
from orders.exceptions import MessageRefused
from orders.models import Order, OrderEvent
from orders.services.actions import person_event_record, require_shop_perm
from orders.statuses import EventKind, OrderStatus, RefundStatus

MESSAGE_MAX_LENGTH = 2000
S = OrderStatus
NOT_SHIPPED = frozenset(
    {S.ON_HOLD, S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPING, S.AWAITING_COLLECTION}
)
# code: (label, text, the order statuses it fits; None: an order with a refund under way).
REPLY_TEMPLATES = {
    "where": (
        "Where is my order",
        "Hi {name}, thanks for your message! Your order {order_id} is on its way"
        "{tracking}. We'll keep an eye on it for you.",
        frozenset({S.PARTIALLY_SHIPPING, S.IN_TRANSIT}),
    ),
    "delay": (
        "Delay",
        "Hi {name}, we're sorry: your order {order_id} is taking longer than planned. "
        "We expect to ship it within two working days and will update you then.",
        NOT_SHIPPED,
    ),
    "delivered": (
        "Delivered",
        "Hi {name}, the carrier reports your order {order_id} as delivered{tracking}. "
        "If it has not reached you, tell us and we'll look into it with them.",
        frozenset({S.DELIVERED, S.COMPLETED}),
    ),
    "cancelled": (
        "Cancelled",
        "Hi {name}, your order {order_id} has been cancelled. If you paid for it, TikTok "
        "returns the money to your original payment method.",
        frozenset({S.CANCELLED}),
    ),
    "refund": (
        "Refund started",
        "Hi {name}, we've started a refund for your order {order_id}. TikTok will "
        "return the money to your original payment method.",
        None,
    ),
}


def reply_templates_for(
    order: Order, *, packages: list, refunds: list
) -> list[tuple[str, str, str]]:
    """(code, label, text) of each ready-made reply that fits the order's state, filled in;
    `packages` (by id) and `refunds` are the order's, as its page has read them."""
    package = next((package for package in packages if package.tracking_number), None)
    tracking = (
        f" with {package.shipping_provider_name}, tracking number {package.tracking_number}"
        if package
        else ""
    )
    refunding = any(refund.status != RefundStatus.REJECTED for refund in refunds)
    name = order.buyer_nickname or "there"
    return [
        (code, label, text.format(name=name, order_id=order.order_id, tracking=tracking))
        for code, (label, text, fits) in REPLY_TEMPLATES.items()
        if (refunding if fits is None else order.status in fits)
    ]


def order_message_send(*, order: Order, sender, body: str) -> OrderEvent:
    """Email the buyer through TikTok's relay address; the timeline records the outcome."""
    require_shop_perm(order=order, actor=sender, perm=Perm.MESSAGE_BUYERS, refused=MessageRefused)
    body = body.strip()
    if not body:
        raise MessageRefused("Write a message first.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise MessageRefused(f"A message can be at most {MESSAGE_MAX_LENGTH:,} characters.")
    if not order.buyer_email:
        raise MessageRefused("TikTok has not shared a contact address for this buyer.")
    with transaction.atomic():
        event = person_event_record(
            order=order,
            actor=sender,
            kind=EventKind.MESSAGE_TO_BUYER,
            payload={"body": body, "delivery": "sending"},
        )
    email = EmailMessage(
        subject=f"About your order {order.order_id} from {order.shop.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.buyer_email],
    )
    try:
        email.send()
        delivery = "sent"
    except Exception as exc:  # any transport failure is recorded, never shown as sent
        delivery = f"failed: {type(exc).__name__}"
    event.payload = {**event.payload, "delivery": delivery}
    event.save(update_fields=["payload"])
    if delivery != "sent":
        raise MessageRefused("The message could not be sent; it is kept in the timeline.")
    return event
