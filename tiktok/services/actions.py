"""The outbox's senders by kind of action, and what a worker runs for one row."""

from tiktok.models import TikTokAction
from tiktok.services.arrange import arrange_send, arrange_settle
from tiktok.services.cancelling import cancel_send, cancel_settle
from tiktok.services.outbox import action_send
from tiktok.services.shipping import ship_refused_reread, ship_send, ship_settle

SENDERS = {
    TikTokAction.Kind.SHIP: (ship_send, ship_settle),
    TikTokAction.Kind.ARRANGE: (arrange_send, arrange_settle),
    TikTokAction.Kind.CANCEL: (cancel_send, cancel_settle),
}


def action_send_now(*, action_id: int, client=None) -> str:
    """One attempt at the row; after a refusal, TikTok's order is read back and stored."""
    state = action_send(action_id=action_id, senders=SENDERS, client=client)
    if state == TikTokAction.State.REFUSED:
        ship_refused_reread(TikTokAction.objects.get(pk=action_id), client)
    return state
