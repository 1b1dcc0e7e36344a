"""The simulated TikTok Shop in a thread with its clock moved by hand, a client of it with a
token for the US shop, orders at the stage a test needs, and the notifications sent."""

import json

import pytest

from demo.tiktok_simulator.lifecycle import step_apply
from tests.demo.tiktok_helpers import KEY, SECRET, simulators
from tests.tiktok.outbox_world import SHOPS, order_awaiting_shipment
from tiktok.client import TikTokClient
from tiktok.exceptions import ApiError

PACKED = "seller_reject_apply_product_has_been_packed"
OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"
AGREED = "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer"
DAMAGED = "seller_reject_receive_returned_item_damaged"


class Shop:
    """The simulator, a client of it with a token for the US shop, and what it notified."""

    def __init__(self, sim, api, clock):
        self.sim, self.api, self.clock, self.world = sim, api, clock, sim.world
        self.notes: list[dict] = []
        self.world.notify = self.notes.append
        self.client = TikTokClient(
            app_key=KEY,
            app_secret=SECRET,
            api_host=api.base,
            auth_host=api.base,
            timeout=3,
            max_retries=2,
            backoff=0,
            sleep=lambda seconds: None,
            clock=clock,
        )
        grant = self.client.get_access_token(auth_code=sim.accounts.code_issue(clock()))
        self.auth = {"access_token": grant.access_token, "shop_cipher": SHOPS[0].cipher}

    def control(self, path: str, **query) -> dict:
        status, _, body = self.api.raw("POST", path, query)
        answer = json.loads(body)
        assert status == 200, answer
        return answer["data"]

    def cancellation(self, order) -> dict:
        page = self.client.search_cancellations(**self.auth, order_ids=[order.id])
        return page.objects[-1]

    def return_of(self, order) -> dict:
        return self.client.search_returns(**self.auth, order_ids=[order.id]).objects[-1]

    def detail(self, order) -> dict:
        return self.client.get_order_detail(**self.auth, order_ids=[order.id])[0]

    def awaiting(self, number: int = 0):
        """A new order awaiting shipment (its creation's notification forgotten)."""
        order = order_awaiting_shipment(self.world, number)
        self.notes.clear()
        return order

    def delivered(self):
        order = delivered(self.world)
        self.notes.clear()
        return order

    def types(self) -> list[tuple[int, str]]:
        """(type, status) of each notification so far, and forget them."""
        seen = [
            (
                note["type"],
                note["data"].get("cancel_status")
                or note["data"].get("return_status")
                or note["data"].get("order_status"),
            )
            for note in self.notes
        ]
        self.notes.clear()
        return seen


@pytest.fixture
def tt():
    """The simulated TikTok Shop in a thread, its clock moved by hand, and a client of it."""
    make, stop = simulators()
    sim, api, clock = make(shops=SHOPS, speed=60)
    yield Shop(sim, api, clock)
    stop()


def delivered(world):
    """A new simulated order of the US shop, shipped and delivered now, with no future."""
    order = order_awaiting_shipment(world, 0)
    with world.lock:
        now = int(world.clock())
        for step in ("arrange", "collect", "deliver"):
            step_apply(order, now, step, None, order.pace)
        order.plan, order.cached = [], None
    return order


def refused(call, **arguments) -> int:
    with pytest.raises(ApiError) as caught:
        call(**arguments)
    return caught.value.code
