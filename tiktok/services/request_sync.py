"""Buyers' cancellation and return requests read from TikTok (Search Cancellations, Search
Returns) and stored through the one mapping (orders.services.buyer_request_store): those
updated in each window of the incremental sync, and those a webhook (types 11, 12) or an
answer's settling names by id. A request of an order the portal does not hold yet has its
order fetched first (Get Order Detail), then is stored."""

import logging

from orders.services.buyer_request_store import RequestReport, buyer_requests_store
from orders.statuses import RequestKind
from tiktok.exceptions import ApiError, ConnectionUnusable, TikTokError
from tiktok.services.connections import connection_error_record
from tiktok.services.order_details import order_details_store
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
# The client's search and its ids argument, by kind of request.
SEARCHES = {
    RequestKind.CANCELLATION: ("search_cancellations", "cancel_ids"),
    RequestKind.RETURN: ("search_returns", "return_ids"),
}
IDS_PER_SEARCH = 50


def _pages(connection, client, kind: str, **criteria):
    """Every object the search answers, page by page."""
    method, _ = SEARCHES[kind]
    token = ""
    while True:
        page = connection_call(
            connection=connection,
            client=client,
            call=lambda access, token=token: getattr(client, method)(
                access_token=access,
                shop_cipher=connection.shop_cipher,
                page_token=token,
                **criteria,
            ),
        )
        yield from page.objects
        token = page.next_page_token
        if not token:
            return


def requests_store(connection, client, kind: str, objects: list, source: str) -> RequestReport:
    """Store these TikTok objects; the orders the shop does not hold yet are fetched first."""
    report = buyer_requests_store(shop=connection.shop, kind=kind, objects=objects, source=source)
    if not report.missing_orders:
        return report
    missing = set(report.missing_orders)
    order_details_store(connection, client, sorted(missing), source)
    again = buyer_requests_store(
        shop=connection.shop,
        kind=kind,
        objects=[o for o in objects if str(o.get("order_id")) in missing],
        source=source,
    )
    report.missing_orders = []
    report.add(again)
    if again.missing_orders:
        log.warning("tiktok requests of unknown orders %s not stored", again.missing_orders[:5])
    return report


def requests_fetch(connection, client, kind: str, ids: list[str], source: str) -> RequestReport:
    """The named requests read again from TikTok and stored as it says them."""
    report = RequestReport()
    _, ids_name = SEARCHES[kind]
    for start in range(0, len(ids), IDS_PER_SEARCH):
        chunk = ids[start : start + IDS_PER_SEARCH]
        objects = list(_pages(connection, client, kind, **{ids_name: chunk}))
        report.add(requests_store(connection, client, kind, objects, source))
    return report


def requests_window_store(connection, client, ge, lt, source: str = "sync") -> RequestReport:
    """Every request updated in [ge, lt), both kinds. TikTok not answering stops the window
    (it is read again); a refusal of the searches (a scope the app lacks) is kept on the
    connection's page and leaves the orders' sync running."""
    report = RequestReport()
    for kind in SEARCHES:
        try:
            objects = list(_pages(connection, client, kind, update_time_ge=ge, update_time_lt=lt))
        except ConnectionUnusable:
            raise
        except ApiError as error:
            log.warning("tiktok %s search refused for %s: %s", kind, connection.shop.slug, error)
            connection_error_record(connection=connection, error=error)
            continue
        report.add(requests_store(connection, client, kind, objects, source))
    if report.refused:
        request_id, reason = report.refused[0]
        more = f" (and {len(report.refused) - 1} more)" if len(report.refused) > 1 else ""
        connection_error_record(
            connection=connection,
            error=RequestNotStored(f"request {request_id or '?'}: {reason}{more}"),
        )
    return report


class RequestNotStored(Exception):
    """A buyer's request TikTok sent that was refused (kept on the connection's page)."""


def request_reread(connection, client, kind: str, request_id: str, source: str) -> None:
    """After an answer settled: the request as TikTok now says it; an outage changes nothing
    (the sync reads it later)."""
    try:
        requests_fetch(connection, client, kind, [request_id], source)
    except TikTokError as error:
        log.info("tiktok: re-read of %s %s failed: %s", kind, request_id, error)
