"""The simulated shops' own buyers still ask to cancel and to return, and their requests wait
for the seller or are decided by TikTok at the deadline; the control endpoints refuse an order
that does not fit."""

import json

from demo.tiktok_simulator import after_sales_state as state
from tests.demo.tiktok_helpers import simulators
from tests.tiktok.outbox_world import order_awaiting_shipment


def test_the_simulated_shops_still_make_requests_that_wait_and_are_decided():
    make, stop = simulators()
    try:
        sim, _, _ = make(backlog=3000, backlog_days=20, speed=60)
        orders = sim.world.orders.values()
        cancels = [o.cancellation for o in orders if o.cancellation]
        returns = [r for o in orders for r in o.returns]
        statuses = {r["cancel_status"] for r in cancels if r["cancel_type"] == "BUYER_CANCEL"}
        assert {"CANCELLATION_REQUEST_COMPLETE", "CANCELLATION_REQUEST_CANCELLED"} <= statuses
        assert "CANCELLATION_REQUEST_PENDING" in statuses  # recent ones await the seller
        assert {r["return_status"] for r in returns} >= {
            "RETURN_OR_REFUND_REQUEST_COMPLETE",
            "RETURN_OR_REFUND_REQUEST_PENDING",
        }
        pending = [o for o in orders if state.cancel_pending(o)]
        assert all(o.data["is_buyer_request_cancel"] for o in pending)
        assert all(o.data["status"] == "AWAITING_SHIPMENT" for o in pending)
    finally:
        stop()


def test_control_endpoints_refuse_an_order_that_does_not_fit(make_simulator):
    sim, api, _ = make_simulator()
    order = order_awaiting_shipment(sim.world, 0)

    def control(path, **query):
        status, _, body = api.raw("POST", path, query)
        return status, json.loads(body)

    assert control("/simulator/returns", order_id=order.id)[0] == 400  # not delivered
    assert control("/simulator/returns/ship", return_id="5123")[0] == 400
    assert control("/simulator/cancellations", order_id="1")[0] == 400
    assert control("/simulator/cancellations", order_id=order.id)[0] == 200
    status, answer = control("/simulator/cancellations", order_id=order.id)  # one is open
    assert status == 400 and "open" in answer["message"]
