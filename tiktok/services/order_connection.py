"""The TikTok connection an order's actions go through, looked up once per order object."""

from tiktok.models import ConnectionState, TikTokConnection

MEMO = "_tiktok_connection"
# A connection in these states still speaks for the shop, but cannot be used: refuse, rather
# than record locally what TikTok will never hear of.
STALLED = (ConnectionState.NEEDS_REAUTHORIZATION, ConnectionState.REVOKED)
STALLED_WORDS = (
    "The shop's TikTok connection needs the seller to authorize the portal again "
    "(TikTok Shop page): until then {what} from here."
)


def order_connection(order) -> TikTokConnection | None:
    """The shop's linked connection (not disconnected), or None: the shop acts locally."""
    if MEMO not in order.__dict__:
        order.__dict__[MEMO] = (
            TikTokConnection.objects.filter(shop_id=order.shop_id)
            .exclude(tiktok_shop_id="")
            .exclude(state=ConnectionState.DISCONNECTED)
            .first()
        )
    return order.__dict__[MEMO]
