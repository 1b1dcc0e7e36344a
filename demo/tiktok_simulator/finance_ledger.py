"""The simulated TikTok's books: the orders waiting to settle (unsettled), each UTC day's
settled transactions, and, once a day is over, its statement, payment and withdrawal.

The world tells the ledger when an order is delivered (`delivered`) and when its story is
over (`due`: it settles SETTLE_AFTER_DELIVERY after delivery, never before its return is
over); `issue` closes the days that have ended. Statement ids follow from the shop and the
day, so a restarted simulator issues the same day under the same id.
"""

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.finance import (
    Settled,
    adjustment_transaction,
    money,
    order_transaction,
    sku_transactions,
    unsettled_estimate,
)

RETURN_COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE"


class Ids:
    """Digit-string ids for the ledger's records."""

    def __init__(self, epoch: int):
        self.epoch, self.unknown = epoch, 0

    def transaction(self, order_id: str, kind: str = "0") -> str:
        return f"8{kind}{order_id}"

    def adjustment(self, order_id: str) -> str:
        return f"9{order_id}"

    def unknown_order(self) -> str:
        self.unknown += 1
        return f"579{self.epoch % 10**6:06d}{self.unknown:09d}"


@dataclass
class Statement:
    data: dict
    transactions: list[Settled]
    payment: dict | None
    paid_at: int


@dataclass
class ShopBooks:
    number: int
    region: str
    currency: str
    open_days: dict[int, list[Settled]] = field(default_factory=dict)  # day start -> settled
    statements: list[Statement] = field(default_factory=list)  # in time order
    unsettled: dict[str, dict] = field(default_factory=dict)  # order id -> estimate


class Ledger:
    def __init__(self, shops, *, seed: int, epoch: int):
        self.seed = seed
        self.ids = Ids(epoch)
        self.books = {
            shop.id: ShopBooks(number, shop.region, shop.currency)
            for number, shop in enumerate(shops)
        }
        self.by_id: dict[str, Statement] = {}
        self.by_order: dict[str, list[tuple[Statement, Settled]]] = {}

    def _rng(self, order_id: str) -> random.Random:
        return random.Random(f"{self.seed}:finance:{order_id}")

    @staticmethod
    def _refunded(order) -> bool:
        return any(r["return_status"] == RETURN_COMPLETE for r in order.returns)

    def delivered(self, order, at: int) -> None:
        """The order was delivered: TikTok lists what it expects to settle."""
        data = json.loads(order.as_bytes())
        books = self.books[order.shop.id]
        settled = order_transaction(
            data, refunded=False, rng=self._rng(order.id), region=books.region, ids=self.ids
        )
        settles = int(data["delivery_time"] + c.SETTLE_AFTER_DELIVERY / order.pace)
        books.unsettled[order.id] = unsettled_estimate(data, settled, settles_at=settles)

    @staticmethod
    def due(order) -> float | None:
        """When the order settles, now that nothing more will happen to it (asked before it is
        packed away); None if it never will (it was not delivered)."""
        delivered = order.data.get("delivery_time") or 0
        return delivered + c.SETTLE_AFTER_DELIVERY / order.pace if delivered else None

    def statement_id(self, books: "ShopBooks", day: int) -> str:
        return f"73{books.number:02d}{day // c.DAY:08d}{self.seed % 10**6:06d}"

    def settle(self, order, at: float) -> None:
        """The order settles now, into today's statement."""
        books = self.books[order.shop.id]
        books.unsettled.pop(order.id, None)
        data = json.loads(order.as_bytes())
        rng = self._rng(order.id)
        refunded = self._refunded(order) and rng.randrange(1000) >= c.SHARE_REFUND_NOT_REFLECTED
        settled = order_transaction(
            data, refunded=refunded, rng=rng, region=books.region, ids=self.ids
        )
        start = int(at // c.DAY * c.DAY)
        settled.skus = sku_transactions(settled, self.statement_id(books, start))
        day = books.open_days.setdefault(start, [])
        day.append(settled)
        roll = rng.randrange(1000)
        if roll < c.SHARE_ADJUSTMENT:
            day.append(
                adjustment_transaction(order.id, data["create_time"], books.currency, rng, self.ids)
            )
        elif roll < c.SHARE_ADJUSTMENT + c.SHARE_UNKNOWN_ORDER:
            stranger = dict(data, id=self.ids.unknown_order())
            unknown = order_transaction(
                stranger, refunded=False, rng=rng, region=books.region, ids=self.ids
            )
            unknown.skus = []
            day.append(unknown)

    def issue(self, now: float) -> None:
        """Close every day that has ended: its statement, payment and withdrawal."""
        for shop_id, books in self.books.items():
            for day in sorted(d for d in books.open_days if d + c.DAY <= now):
                self._statement(shop_id, books, day, books.open_days.pop(day))

    def _statement(self, shop_id: str, books: ShopBooks, day: int, settled: list) -> None:
        statement_id = self.statement_id(books, day)
        totals = {
            name: sum((Decimal(s.data[f"{name}_amount"]) for s in settled), Decimal(0))
            for name in ("settlement", "revenue", "shipping_cost", "fee_tax", "adjustment")
        }
        paid_at = int(day + c.DAY + c.PAYMENT_AFTER)
        payment_id = "75" + statement_id[2:]
        payment = None
        if totals["settlement"] > 0:
            amount = {"value": money(totals["settlement"]), "currency": books.currency}
            payment = {
                "id": payment_id,
                "create_time": int(day + c.DAY + 2 * c.HOUR),
                "amount": amount,
                "settlement_amount": amount,
                "payment_amount_before_exchange": amount,
                "reserve_amount": {"value": "0.00", "currency": books.currency},
                "exchange_rate": "1.000000",
                "bank_account": "****" + shop_id[-4:],
            }
        data = {
            "id": statement_id,
            "statement_time": day,
            "currency": books.currency,
            "settlement_amount": money(totals["settlement"]),
            "revenue_amount": money(totals["revenue"]),
            "fee_amount": money(totals["fee_tax"]),
            "shipping_cost_amount": money(totals["shipping_cost"]),
            "adjustment_amount": money(totals["adjustment"]),
            "net_sales_amount": money(totals["revenue"]),
            "payment_id": payment_id if payment else "",
        }
        settled.sort(key=lambda s: (s.order_create_time, s.data["id"]))
        statement = Statement(data=data, transactions=settled, payment=payment, paid_at=paid_at)
        books.statements.append(statement)
        self.by_id[statement_id] = statement
        for item in settled:
            order_id = item.data.get("order_id")
            if order_id:
                self.by_order.setdefault(order_id, []).append((statement, item))

    def payment_status(self, statement: Statement, now: float) -> str:
        if statement.payment is None:
            return "PROCESSING"
        return "PAID" if now >= statement.paid_at else "PROCESSING"
