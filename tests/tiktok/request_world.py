"""Buyers' requests made on the simulated TikTok Shop through its control endpoints (the
buyer asks to cancel, for a refund or a return), and read into the portal as a webhook 11 or
12 would have it read, for the tests of answering them."""

import heapq
import json
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from demo.tiktok_simulator.lifecycle import step_apply
from orders.models import BuyerRequest, Order
from tests.tiktok.outbox_world import US
from tiktok.client import TikTokClient
from tiktok.services.order_details import order_details_store
from tiktok.services.request_sync import requests_fetch


def sim_control(world, path: str, **query) -> dict:
    """POST one of the simulator's own endpoints; its `data`."""
    url = f"{world.url}{path}?{urlencode(query)}"
    with urlopen(Request(url, method="POST", data=b""), timeout=5) as answer:  # noqa: S310
        envelope = json.loads(answer.read())
    assert envelope["code"] == 0, envelope
    return envelope["data"]


def read_in(connection, kind: str, request_id: str) -> BuyerRequest:
    requests_fetch(connection, TikTokClient.from_settings(), kind, [request_id], "webhook")
    return BuyerRequest.objects.get(kind=kind, request_id=request_id)


def cancellation_asked(world, connection, number: int = US, reason: str = "Changed my mind"):
    """(simulated order, our Order, our BuyerRequest): the buyer asks to cancel an order
    awaiting shipment, and the portal has read it."""
    sim_order, order = world.order(connection, number)
    asked = sim_control(world, "/simulator/cancellations", order_id=sim_order.id, reason=reason)
    return sim_order, order, read_in(connection, "cancellation", asked["cancel_id"])


def order_delivered(world, connection, number: int = US):
    """(simulated order, our Order): shipped and delivered on TikTok, and read in."""
    sim_order, _ = world.order(connection, number)
    sim = world.sim.world
    with sim.lock:
        sim.heap[:] = [e for e in sim.heap if not (e[2] == "step" and e[3][0] is sim_order)]
        heapq.heapify(sim.heap)
        now = int(sim.clock())
        for step in ("collect", "deliver"):
            step_apply(sim_order, now, step, None, sim_order.pace)
        sim_order.plan, sim_order.cached = [], None
    order_details_store(connection, TikTokClient.from_settings(), [sim_order.id])
    return sim_order, Order.objects.get(shop=connection.shop, order_id=sim_order.id)


def return_asked(world, connection, kind: str = "REFUND", number: int = US, reason="Too small"):
    """(simulated order, our Order, our BuyerRequest): the buyer of a delivered order asks
    for a refund (`kind` REFUND) or a return (RETURN_AND_REFUND), and the portal has read it."""
    sim_order, order = order_delivered(world, connection, number)
    asked = sim_control(
        world, "/simulator/returns", order_id=sim_order.id, type=kind, reason=reason
    )
    return sim_order, order, read_in(connection, "return", asked["return_id"])


def tiktok_reasons(connection, request) -> list:
    """TikTok's reasons to reject this request, as the client reads them."""
    return TikTokClient.from_settings().get_reject_reasons(
        access_token=connection.access_token,
        shop_cipher=connection.shop_cipher,
        return_or_cancel_id=request.request_id,
    )
