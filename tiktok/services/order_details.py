"""TikTok's orders fetched by id (Get Order Detail) and stored through the one upsert: what the
sync's windows, the webhooks, the outbox's re-reads and the buyers' requests of an order not
held yet all call."""

from orders.services.tiktok_upsert import UpsertReport, tiktok_orders_upsert
from tiktok.client import ORDER_DETAIL_MAX_IDS
from tiktok.services.tokens import connection_call

SOURCE = "sync"


def order_details_store(connection, client, ids: list[str], source: str = SOURCE) -> UpsertReport:
    """Fetch these orders' details (ORDER_DETAIL_MAX_IDS a call) and store them in one
    transaction; `source` ("sync", "webhook") says in the timeline what made the portal ask."""
    ids = [order_id for order_id in ids if order_id]
    objects = []
    for start in range(0, len(ids), ORDER_DETAIL_MAX_IDS):
        chunk = ids[start : start + ORDER_DETAIL_MAX_IDS]
        objects += connection_call(
            connection=connection,
            client=client,
            call=lambda access, chunk=chunk: client.get_order_detail(
                access_token=access, shop_cipher=connection.shop_cipher, order_ids=chunk
            ),
        )
    if not objects:
        return UpsertReport()
    return tiktok_orders_upsert(shop=connection.shop, objects=objects, source=source)
