"""The simulated shops' orders over time: arrivals, planned steps and their notifications.

Times are real Unix times; `speed` compresses how long each stage of a new order lasts (at
speed 60 the one-hour hold takes a minute). Orders already in the shop when the simulator
starts (the back-log) happened in the past at TikTok's real pace."""

import heapq
import random
import threading
import time
from bisect import bisect_left
from collections import OrderedDict

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.finance_ledger import Ledger
from demo.tiktok_simulator.lifecycle import plan_for, step_apply
from demo.tiktok_simulator.orders import SimOrder, order_build, status_note

SHOP_WEIGHTS = (2, 1)  # the first shop gets two orders out of three, as in the demo seed


def shop_weights(count: int) -> list[int]:
    return [SHOP_WEIGHTS[n] if n < len(SHOP_WEIGHTS) else 1 for n in range(count)]


class World:
    def __init__(
        self,
        *,
        shops,
        seed: int = 0,
        speed: float = 60.0,
        orders_per_hour: float = 30.0,
        backlog: int = 0,
        backlog_days: float = 90,
        clock=time.time,
    ):
        self.shops = tuple(shops)
        self.seed, self.speed, self.clock = seed, speed, clock
        self.start = clock()
        self.epoch = int(self.start)  # ids differ between runs: a restart reuses none
        self.orders: dict[str, SimOrder] = {}
        self.by_shop: dict[str, list[SimOrder]] = {shop.id: [] for shop in self.shops}
        # Each shop's orders by update time, as (times, orders): an order is noted again at
        # each new update time, and an entry whose time is no longer its order's is stale.
        self.updates: dict[str, tuple[list, list]] = {shop.id: ([], []) for shop in self.shops}
        self.counts = [0] * len(self.shops)
        self.heap: list = []
        self.pushed = 0
        self.notifications = 0
        self.searches = 0
        self.notify = None  # callable(envelope) set by the webhook sender
        self.snapshots: OrderedDict = OrderedDict()
        self.documents: dict = {}  # documents.py: doc_url token -> (pages, expiry)
        self.documents_asked: set = set()  # (package id, document type) asked for once
        self.answers: OrderedDict = OrderedDict()  # (shop, idempotency key) -> first answer
        self.lock = threading.RLock()
        self.ledger = Ledger(self.shops, seed=seed, epoch=self.epoch)  # finance_ledger.py
        weights = shop_weights(len(self.shops))
        for number, shop in enumerate(self.shops):
            # simulated orders per simulated second
            rate = orders_per_hour * weights[number] / sum(weights) / 3600
            rng = random.Random(f"{seed}:{shop.id}:arrivals")
            if rate > 0:
                self._push(
                    self.start + rng.expovariate(rate) / speed, "arrive", (number, rng, rate)
                )
        self._backlog(backlog, backlog_days)

    # --- Time ---------------------------------------------------------------------------

    def _push(self, at: float, kind: str, payload) -> None:
        self.pushed += 1
        heapq.heappush(self.heap, (at, self.pushed, kind, payload))

    def _create(self, number: int, at: float, pace: float) -> SimOrder:
        shop = self.shops[number]
        index = self.epoch * 10**6 + self.counts[number]
        self.counts[number] += 1
        rng = random.Random(f"{self.seed}:{shop.id}:{index}")
        order = order_build(rng, shop, number, index, int(at))
        plan = [(at + offset / pace, action, arg) for offset, action, arg in plan_for(rng, order)]
        order.plan, order.pace = plan, pace
        self.orders[order.id] = order
        self.by_shop[shop.id].append(order)
        self._updated(order)
        self._note(order, *status_note(order), at)
        self._next_step(order)
        return order

    def _next_step(self, order: SimOrder) -> None:
        at, action, arg = order.plan.pop(0)
        self._push(at, "step", (order, action, arg))

    def _backlog(self, count: int, days: float) -> None:
        rng = random.Random(f"{self.seed}:backlog")
        weights = shop_weights(len(self.shops))
        created = sorted(self.start - rng.uniform(0, days * c.DAY) for _ in range(count))
        notify, self.notify = self.notify, None  # the past sends nothing
        for at in created:
            self._create(rng.choices(range(len(self.shops)), weights)[0], at, pace=1.0)
            self.advance(at)  # orders that are over settle as we go: memory stays flat
        self.advance(self.start)
        self.notify = notify

    def advance(self, now: float | None = None) -> None:
        """Apply everything due by `now`, in time order."""
        now = self.clock() if now is None else now
        with self.lock:
            while self.heap and self.heap[0][0] <= now:
                at, _, kind, payload = heapq.heappop(self.heap)
                if kind == "arrive":
                    number, rng, rate = payload
                    self._create(number, at, pace=self.speed)
                    self._push(at + rng.expovariate(rate) / self.speed, "arrive", payload)
                    continue
                if kind == "finance":
                    self.ledger.settle(payload, at)
                    continue
                order, action, arg = payload
                order.cached = None
                before = order.data["update_time"]
                for webhook_type, data in step_apply(order, int(at), action, arg, order.pace):
                    self._note(order, webhook_type, data, at)
                if order.data["update_time"] != before:
                    self._updated(order)
                if action == "deliver":
                    self.ledger.delivered(order, int(at))
                if order.plan:
                    self._next_step(order)
                else:
                    due = self.ledger.due(order)
                    if due is not None:
                        self._push(max(at, due), "finance", order)
                    order.settle()
            self.ledger.issue(now)

    def _updated(self, order: SimOrder) -> None:
        times, orders = self.updates[order.shop.id]
        at = order.data["update_time"]
        place = len(times) if not times or times[-1] <= at else bisect_left(times, at)
        times.insert(place, at)  # time only moves on: nearly always at the end
        orders.insert(place, order)

    def orders_updated(self, shop_id: str, ge: int, lt: int) -> list[SimOrder]:
        """The shop's orders whose update time is now in [ge, lt), without a scan of them all."""
        times, orders = self.updates.get(shop_id, ((), ()))
        start, end = bisect_left(times, ge), bisect_left(times, lt)
        found = {
            order.id: order
            for at, order in zip(times[start:end], orders[start:end], strict=True)
            if order.data["update_time"] == at
        }
        return list(found.values())

    def order_advance(self, order_id: str) -> SimOrder | None:
        """The order's next planned step taken now, its later steps as far apart as planned;
        None for an unknown order or one that will not change again."""
        with self.lock:
            order = self.orders.get(order_id)
            due = [e for e in self.heap if e[2] == "step" and e[3][0] is order] if order else []
            if not due:
                return None
            now = self.clock()
            self.heap.remove(due[0])
            heapq.heapify(self.heap)
            early = due[0][0] - now
            order.plan = [(at - early, action, arg) for at, action, arg in order.plan]
            self._push(now, "step", due[0][3])
            self.advance(now)
            return order

    def order_create(self, shop_number: int = 0) -> SimOrder:
        """A new order now (for the tests and the control endpoint)."""
        with self.lock:
            return self._create(shop_number, self.clock(), pace=self.speed)

    def _note(self, order: SimOrder, webhook_type: int, data: dict, at: float) -> None:
        self.shop_notify(order.shop, webhook_type, data, at)

    def shop_notify(self, shop, webhook_type: int, data: dict, at: float | None = None) -> None:
        """Send one notification about `shop` (when a webhook URL is set), pushed at `at`."""
        with self.lock:
            self.notifications += 1
            number = self.notifications
        if self.notify is None:
            return
        self.notify(
            {
                "type": webhook_type,
                "tts_notification_id": str(self.epoch * 10**9 + number),
                "shop_id": shop.id,
                "timestamp": int(self.clock() if at is None else at),
                "data": data,
            }
        )
