"""Internal notes on an order: for the team, never shown to the buyer."""

from django.db import transaction

from accounts.roles import Perm
from orders.exceptions import NoteRefused
from orders.models import Order, OrderEvent
from orders.services.actions import person_event_record, require_shop_perm
from orders.statuses import EventKind

NOTE_MAX_LENGTH = 5000


@transaction.atomic
def order_note_add(*, order: Order, author, body: str, submission_id: str = "") -> OrderEvent:
    """Add a note to the order's timeline. A resubmitted form (same submission id) adds
    nothing and returns the note it already made."""
    require_shop_perm(order=order, actor=author, perm=Perm.ADD_NOTES, refused=NoteRefused)
    body = body.strip()
    if not body:
        raise NoteRefused("Write something in the note.")
    if len(body) > NOTE_MAX_LENGTH:
        raise NoteRefused(f"A note can be at most {NOTE_MAX_LENGTH:,} characters.")
    Order.objects.select_for_update().filter(pk=order.pk).first()  # one note at a time
    if submission_id:
        earlier = order.events.filter(
            kind=EventKind.NOTE, payload__submission_id=submission_id
        ).first()
        if earlier is not None:
            return earlier
    return person_event_record(
        order=order,
        actor=author,
        kind=EventKind.NOTE,
        payload={"body": body, "submission_id": submission_id},
    )
