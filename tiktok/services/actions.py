"""The outbox's senders by kind of action, and what a worker runs for one row."""

from tiktok.models import TikTokAction
from tiktok.services.arrange import arrange_send, arrange_settle
from tiktok.services.cancelling import cancel_send, cancel_settle
from tiktok.services.outbox import action_send
from tiktok.services.request_answers import KINDS as REQUEST_KINDS
from tiktok.services.request_answers import answer_reread, answer_send, answer_settle
from tiktok.services.shipping import ship_refused_reread, ship_send, ship_settle

SENDERS = {
    TikTokAction.Kind.SHIP: (ship_send, ship_settle),
    TikTokAction.Kind.ARRANGE: (arrange_send, arrange_settle),
    TikTokAction.Kind.CANCEL: (cancel_send, cancel_settle),
    **{kind: (answer_send, answer_settle) for kind in REQUEST_KINDS},
}
SETTLED = (TikTokAction.State.DONE, TikTokAction.State.REFUSED, TikTokAction.State.FAILED)


def action_send_now(*, action_id: int, client=None) -> str:
    """One attempt at the row; after a refusal, TikTok's order is read back and stored (and
    after an answer to a buyer's request settles either way, that request)."""
    state = action_send(action_id=action_id, senders=SENDERS, client=client)
    if state in SETTLED:
        action = TikTokAction.objects.select_related("connection__shop").get(pk=action_id)
        if action.kind in REQUEST_KINDS:
            answer_reread(action, client)
        elif state == TikTokAction.State.REFUSED:
            ship_refused_reread(action, client)
    return state
