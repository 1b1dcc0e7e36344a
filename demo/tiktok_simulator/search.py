"""Order, cancellation and return searches as TikTok pages them.

A page token names a snapshot of what matched, taken on the first page, so paging visits
every match exactly once even while orders move on. Each page shows the records as they are
now: an order's `update_time` may therefore lie past the searched range, as TikTok warns.
"""

import base64
import json

from demo.tiktok_simulator import constants as c

MAX_SNAPSHOTS = 500


class BadRequest(Exception):
    """A parameter TikTok would refuse (`invalid_param`)."""


class EncodedOrders(list):
    """Orders already encoded as JSON, each as bytes."""


def _range(body: dict, name: str, now: float) -> tuple[int, int]:
    """[ge, lt): a missing lower bound is the shop's beginning, a missing upper one now."""
    low, high = body.get(f"{name}_ge"), body.get(f"{name}_lt")
    for value in (low, high):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise BadRequest(f"{name}_ge and {name}_lt must be Unix seconds")
    return (low or 0), (int(now) + 1 if high is None else high)


def _page(world, shop_id: str, rows: list | None, size: int, token: str) -> tuple:
    """(rows of this page, next token, total) from a snapshot of `rows` or the token's."""
    now, snapshots = world.clock(), world.snapshots
    for key in [k for k, (_, born, _) in snapshots.items() if born < now - c.PAGE_TOKEN_TTL]:
        del snapshots[key]
    if token:
        try:
            key, offset = json.loads(base64.b64decode(token, validate=True))
            owner, _, rows = snapshots[key]
        except (ValueError, TypeError, KeyError):
            raise BadRequest("page_token is invalid or expired") from None
        if owner != shop_id or not isinstance(offset, int) or offset < 0:
            raise BadRequest("page_token is invalid or expired")
        snapshots[key] = (owner, now, rows)  # a token lives an hour after its last use
    else:
        world.searches += 1
        key, offset = f"{world.epoch}.{world.searches}", 0
        snapshots[key] = (shop_id, now, rows)
        while len(snapshots) > MAX_SNAPSHOTS:
            snapshots.popitem(last=False)
    page = rows[offset : offset + size]
    next_token = ""
    if offset + size < len(rows):
        next_token = base64.b64encode(json.dumps([key, offset + size]).encode()).decode()
    else:
        snapshots.pop(key, None)
    return page, next_token, len(rows)


def _search(world, shop_id, query, body, rows, *, id_key, size_max, size_default, sort_default):
    size = query.get("page_size", size_default)
    if not str(size).isdigit() or not 1 <= int(size) <= size_max:
        raise BadRequest(f"page_size must be between 1 and {size_max}")
    field = query.get("sort_field", "create_time")
    order = query.get("sort_order", sort_default)
    if field not in ("create_time", "update_time") or order not in ("ASC", "DESC"):
        raise BadRequest("sort_field must be create_time or update_time, sort_order ASC or DESC")
    token = query.get("page_token", "")
    matched = None
    if not token:
        now = world.clock()
        created, updated = _range(body, "create_time", now), _range(body, "update_time", now)
        matched = [
            row
            for row in rows
            if created[0] <= row["create_time"] < created[1]
            and updated[0] <= row["update_time"] < updated[1]
        ]
        matched.sort(key=lambda row: (row[field], row[id_key]), reverse=order == "DESC")
    return _page(world, shop_id, matched, int(size), token)


def _list(body: dict, name: str) -> set:
    value = body.get(name)
    if value is None:
        return set()
    if not isinstance(value, list):
        raise BadRequest(f"{name} must be a list")
    return set(value)


def _updated_in_range(world, shop_id: str, body: dict):
    """The orders whose update time is in the body's range (lazily: the range is checked
    after the page parameters, as TikTok checks them)."""
    yield from world.orders_updated(shop_id, *_range(body, "update_time", world.clock()))


def orders_search(world, shop_id: str, query: dict, body: dict) -> dict:
    """A page of orders; `orders` holds each order already encoded as JSON."""
    status = body.get("order_status")
    wanted = {
        name: body[name]
        for name in ("buyer_user_id", "is_buyer_request_cancel", "shipping_type")
        if name in body
    }
    wanted = {("user_id" if k == "buyer_user_id" else k): v for k, v in wanted.items()}
    rows = (
        order.data
        for order in _updated_in_range(world, shop_id, body)
        if (not status or order.data["status"] == status)
        and all(order.data[k] == v for k, v in wanted.items())
    )
    page, token, total = _search(
        world,
        shop_id,
        query,
        body,
        rows,
        id_key="id",
        size_max=c.ORDER_PAGE_SIZE_MAX,
        size_default="",
        sort_default="DESC",
    )
    orders = EncodedOrders(world.orders[row["id"]].as_bytes() for row in page)
    return {"next_page_token": token, "total_count": total, "orders": orders}


def orders_detail(world, shop_id: str, ids: list[str]) -> dict:
    """The shop's orders among `ids`; ids it does not know are left out."""
    found = (world.orders.get(order_id) for order_id in ids)
    return {
        "orders": EncodedOrders(
            order.as_bytes() for order in found if order is not None and order.shop.id == shop_id
        )
    }


def _aftersales(world, shop_id, query, body, records, kind: str, result: str) -> dict:
    """Cancellations or returns (`kind`): filtered by ids, orders, statuses and types, paged
    10 to a page by default, oldest first."""
    ids, orders = _list(body, f"{kind}_ids"), _list(body, "order_ids")
    statuses, types = _list(body, f"{kind}_status"), _list(body, f"{kind}_types")
    # A filter may spell the withdrawn cancellation …_CANCEL; the records say …_CANCELLED.
    statuses |= {
        s + "LED" for s in statuses if s.startswith("CANCELLATION") and s.endswith("_CANCEL")
    }
    rows = (
        record
        for order in world.by_shop.get(shop_id, ())
        for record in records(order)
        if (not ids or record[f"{kind}_id"] in ids)
        and (not orders or order.id in orders)
        and (not statuses or record[f"{kind}_status"] in statuses)
        and (not types or record[f"{kind}_type"] in types)
    )
    page, token, total = _search(
        world,
        shop_id,
        query,
        body,
        rows,
        id_key=f"{kind}_id",
        size_max=c.AFTERSALE_PAGE_SIZE_MAX,
        size_default="10",
        sort_default="ASC",
    )
    return {"next_page_token": token, "total_count": total, result: page}


def cancellations_search(world, shop_id: str, query: dict, body: dict) -> dict:
    def records(order):
        return [*order.past_cancellations, order.cancellation] if order.cancellation else []

    return _aftersales(world, shop_id, query, body, records, "cancel", "cancellations")


def returns_search(world, shop_id: str, query: dict, body: dict) -> dict:
    return _aftersales(world, shop_id, query, body, lambda o: o.returns, "return", "return_orders")
