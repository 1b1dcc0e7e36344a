"""The simulator's finance endpoints: Get Statements (202309), Get Transactions by Statement
and by Order (202501), Get Unsettled Transactions (202507), Get Payments and Get Withdrawals
(202309), read from the world's ledger (finance_ledger.py) and paged as TikTok pages them.
The 202309 transaction endpoints are blocked: the gateway answers them as a retired version."""

import re
from decimal import Decimal

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.finance import money
from demo.tiktok_simulator.search import BadRequest, _page

TEMPLATES = {
    re.compile(r"^/finance/202501/statements/\d{1,32}/statement_transactions$"): (
        c.STATEMENT_TRANSACTIONS_PATH
    ),
    re.compile(r"^/finance/202501/orders/\d{1,32}/statement_transactions$"): (
        c.ORDER_TRANSACTIONS_PATH
    ),
    re.compile(r"^/finance/202309/statements/\d{1,32}/statement_transactions$"): (
        c.LEGACY_TRANSACTION_PATHS[0]
    ),
    re.compile(r"^/finance/202309/orders/\d{1,32}/statement_transactions$"): (
        c.LEGACY_TRANSACTION_PATHS[1]
    ),
}


def path_template(path: str) -> str:
    for pattern, template in TEMPLATES.items():
        if pattern.match(path):
            return template
    return path


def _paging(query: dict, sort_field: str) -> tuple[int, str, bool]:
    """(page size, page token, descending) of a finance list; `sort_field` is required."""
    if query.get("sort_field") != sort_field:
        raise BadRequest(f"sort_field is required and must be {sort_field}")
    order = query.get("sort_order", "ASC")
    if order not in ("ASC", "DESC"):
        raise BadRequest("sort_order must be ASC or DESC")
    size = query.get("page_size", str(c.FINANCE_PAGE_SIZE_DEFAULT))
    if not size.isdigit() or not 1 <= int(size) <= c.FINANCE_PAGE_SIZE_MAX:
        raise BadRequest(f"page_size must be between 1 and {c.FINANCE_PAGE_SIZE_MAX}")
    return int(size), query.get("page_token", ""), order == "DESC"


def _span(query: dict, name: str, now: float, low: int = 0) -> tuple[int, int]:
    values = []
    for bound, default in (("ge", low), ("lt", int(now) + 1)):
        value = query.get(f"{name}_{bound}", "")
        if value and not value.isdigit():
            raise BadRequest(f"{name}_{bound} must be Unix seconds")
        values.append(int(value) if value else default)
    return values[0], values[1]


def _statement_json(ledger, statement, now: float) -> dict:
    return {**statement.data, "payment_status": ledger.payment_status(statement, now)}


def statements_answer(world, shop_id: str, query: dict) -> dict:
    size, token, descending = _paging(query, "statement_time")
    ledger, now = world.ledger, world.clock()
    rows = None
    if not token:
        ge, lt = _span(query, "statement_time", now)
        status = query.get("payment_status", "")
        rows = [
            _statement_json(ledger, s, now)
            for s in ledger.books[shop_id].statements
            if ge <= s.data["statement_time"] < lt
            and (not status or ledger.payment_status(s, now) == status)
        ]
        rows.sort(key=lambda row: (row["statement_time"], row["id"]), reverse=descending)
    page, next_token, _ = _page(world, shop_id, rows, size, token)
    return {"next_page_token": next_token, "statements": page}


def statement_transactions_answer(world, shop_id: str, statement_id: str, query: dict) -> dict:
    size, token, descending = _paging(query, "order_create_time")
    statement = world.ledger.by_id.get(statement_id)
    if statement is None or statement_id not in {
        s.data["id"] for s in world.ledger.books[shop_id].statements
    }:
        raise BadRequest("statement_id names no statement of this shop")
    rows = None
    if not token:
        rows = [settled.data for settled in statement.transactions]
        if descending:
            rows.reverse()
    page, next_token, total = _page(world, shop_id, rows, size, token)
    data = statement.data
    settlement = Decimal(data["settlement_amount"])
    return {
        "next_page_token": next_token,
        "id": data["id"],
        "create_time": data["statement_time"] + c.DAY,
        "status": "SETTLED",
        "currency": data["currency"],
        "payable_amount": money(settlement),
        "total_reserve_amount": "0.00",
        "total_settlement_amount": data["settlement_amount"],
        "total_settlement_breakdown": {
            "total_revenue_amount": data["revenue_amount"],
            "total_shipping_cost_amount": data["shipping_cost_amount"],
            "total_fee_tax_amount": data["fee_amount"],
            "total_adjustment_amount": data["adjustment_amount"],
        },
        "total_count": len(statement.transactions),
        "transactions": page,
    }


def order_transactions_answer(world, shop_id: str, order_id: str) -> dict:
    """Every statement's SKU rows of the order (empty for an order not settled)."""
    found = [
        (statement, settled)
        for statement, settled in world.ledger.by_order.get(order_id, [])
        if statement.data["id"] in {s.data["id"] for s in world.ledger.books[shop_id].statements}
    ]
    skus = [row for _, settled in found for row in settled.skus]
    totals = {
        name: sum((Decimal(s.data[f"{name}_amount"]) for _, s in found), Decimal(0))
        for name in ("revenue", "fee_tax", "shipping_cost", "settlement")
    }
    first = found[0][1].data if found else {}
    return {
        "order_id": order_id,
        "order_create_time": first.get("order_create_time", 0),
        "currency": first.get("currency", ""),
        "revenue_amount": money(totals["revenue"]),
        "fee_and_tax_amount": money(totals["fee_tax"]),
        "shipping_cost_amount": money(totals["shipping_cost"]),
        "settlement_amount": money(totals["settlement"]),
        "sku_transactions": skus,
        "total_count": len(skus),
    }


def unsettled_answer(world, shop_id: str, query: dict) -> dict:
    size, token, descending = _paging(query, "order_create_time")
    rows = None
    sums = dict.fromkeys(("settlement", "revenue", "adjustment", "fee"), Decimal(0))
    if not token:
        ge, lt = _span(query, "search_time", world.clock(), low=1_735_689_600)  # 2025-01-01
        rows = [
            row
            for row in world.ledger.books[shop_id].unsettled.values()
            if ge <= row["order_create_time"] < lt
        ]
        rows.sort(key=lambda row: (row["order_create_time"], row["id"]), reverse=descending)
        for row in rows:
            sums["settlement"] += Decimal(row["est_settlement_amount"])
            sums["revenue"] += Decimal(row["est_revenue_amount"])
            sums["adjustment"] += Decimal(row["est_adjustment_amount"])
            sums["fee"] += Decimal(row["est_fee_tax_amount"])
    page, next_token, total = _page(world, shop_id, rows, size, token)
    return {
        "next_page_token": next_token,
        "total_count": total,
        **{f"sum_est_{name}_amount": money(value) for name, value in sums.items()},
        "transactions": page,
    }


def _payment_json(ledger, statement, now: float) -> dict:
    status = ledger.payment_status(statement, now)
    return {**statement.payment, "status": status, "paid_time": statement.paid_at
            if status == "PAID" else 0}  # fmt: skip


def payments_answer(world, shop_id: str, query: dict) -> dict:
    size, token, descending = _paging(query, "create_time")
    rows = None
    if not token:
        now = world.clock()
        ge, lt = _span(query, "create_time", now)
        rows = [
            _payment_json(world.ledger, s, now)
            for s in world.ledger.books[shop_id].statements
            if s.payment and ge <= s.payment["create_time"] < lt and s.payment["create_time"] <= now
        ]
        rows.sort(key=lambda row: (row["create_time"], row["id"]), reverse=descending)
    page, next_token, _ = _page(world, shop_id, rows, size, token)
    return {"next_page_token": next_token, "payments": page}


WITHDRAWAL_TYPES = ("WITHDRAW", "SETTLE", "TRANSFER", "REVERSE")


def withdrawals_answer(world, shop_id: str, query: dict) -> dict:
    types = [t for t in query.get("types", "").split(",") if t]
    if not types or any(t not in WITHDRAWAL_TYPES for t in types):
        raise BadRequest(f"types is required: some of {', '.join(WITHDRAWAL_TYPES)}")
    size = query.get("page_size", str(c.FINANCE_PAGE_SIZE_DEFAULT))
    if not size.isdigit() or not 1 <= int(size) <= c.FINANCE_PAGE_SIZE_MAX:
        raise BadRequest(f"page_size must be between 1 and {c.FINANCE_PAGE_SIZE_MAX}")
    token, rows = query.get("page_token", ""), None
    if not token:
        now = world.clock()
        ge, lt = _span(query, "create_time", now)
        rows = [
            {
                "id": "76" + s.payment["id"][2:],
                "type": "SETTLE",
                "amount": s.payment["amount"]["value"],
                "currency": s.payment["amount"]["currency"],
                "status": "SUCCESS" if now >= s.paid_at else "PROCESSING",
                "create_time": s.payment["create_time"],
            }
            for s in world.ledger.books[shop_id].statements
            if "SETTLE" in types
            and s.payment
            and ge <= s.payment["create_time"] < lt
            and s.payment["create_time"] <= now
        ]
    page, next_token, total = _page(world, shop_id, rows, int(size), token)
    return {"next_page_token": next_token, "total_count": total, "withdrawals": page}


def finance_answer(world, call) -> dict | None:
    """The `data` of a finance call, None for another endpoint; raises BadRequest."""
    template, shop_id, query = path_template(call.path), call.shop.id, call.query
    with world.lock:
        if template == c.STATEMENTS_PATH:
            return statements_answer(world, shop_id, query)
        if template == c.STATEMENT_TRANSACTIONS_PATH:
            statement_id = call.path.split("/")[4]
            return statement_transactions_answer(world, shop_id, statement_id, query)
        if template == c.ORDER_TRANSACTIONS_PATH:
            return order_transactions_answer(world, shop_id, call.path.split("/")[4])
        if template == c.UNSETTLED_PATH:
            return unsettled_answer(world, shop_id, query)
        if template == c.PAYMENTS_PATH:
            return payments_answer(world, shop_id, query)
        if template == c.WITHDRAWALS_PATH:
            return withdrawals_answer(world, shop_id, query)
    return None
