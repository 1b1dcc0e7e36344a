"""The simulator's fulfilment endpoints over real HTTP, signed as TikTok checks: the carriers
of a delivery option, Mark Package As Shipped (US, UK, EU) and Ship Package (other markets),
with TikTok's state checks and codes, the order moved and its notifications sent."""

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.lifecycle import provider_id
from tests.demo.tiktok_helpers import detail
from tests.tiktok.outbox_world import SHOPS, order_awaiting_shipment

USPS = provider_id("USPS")
GOOD = "9400111122223333444455"


def _connected(make_simulator):
    sim, api, _ = make_simulator(shops=SHOPS)
    api.connect()
    notes = []
    sim.world.notify = notes.append
    return sim, api, notes


def _mark(api, cipher, order_id, tracking=GOOD, provider=USPS):
    body = {"tracking_number": tracking, "shipping_provider_id": provider}
    path = f"/fulfillment/202309/orders/{order_id}/packages"
    return api.call("POST", path, {"shop_cipher": cipher}, body)


def test_carriers_of_a_delivery_option_and_the_gateway_checks_them(make_simulator):
    sim, api, _ = _connected(make_simulator)
    order = order_awaiting_shipment(sim.world, 0)
    path = (
        f"/logistics/202309/delivery_options/{order.data['delivery_option_id']}/shipping_providers"
    )
    status, answer = api.call("GET", path, {"shop_cipher": api.cipher(0)})
    assert status == 200 and answer["code"] == 0
    assert {p["name"] for p in answer["data"]["shipping_providers"]} == {"USPS", "UPS", "FedEx"}
    status, answer = api.call("GET", path, {"shop_cipher": api.cipher(0)}, signed=False)
    assert answer["code"] == 36009004 and "signature" in answer["message"]
    assert api.call("GET", path)[1]["code"] == 106013  # shop-scoped: the cipher is needed


def test_a_us_order_marked_shipped_moves_and_notifies(make_simulator):
    sim, api, notes = _connected(make_simulator)
    cipher = api.cipher(0)
    order = order_awaiting_shipment(sim.world, 0)
    status, answer = _mark(api, cipher, order.id)
    assert (status, answer["code"]) == (200, 0)
    package_id = answer["data"]["package_id"]
    assert answer["data"]["order_id"] == order.id and package_id
    shown = detail(api, cipher, order.id)
    assert shown["status"] == "AWAITING_COLLECTION" and shown["packages"] == [{"id": package_id}]
    assert {item["tracking_number"] for item in shown["line_items"]} == {GOOD}
    types = [note["type"] for note in notes]
    assert types[-2:] == [c.WEBHOOK_PACKAGE, c.WEBHOOK_ORDER_STATUS]
    assert notes[-2]["data"]["package_list"] == [
        {"package_id": package_id, "order_id_list": [order.id]}
    ]
    # Sent again (a retry, a double click): TikTok's "already shipped".
    assert _mark(api, cipher, order.id)[1]["code"] == 21011040


def test_what_tiktok_refuses_changes_nothing(make_simulator):
    sim, api, _ = _connected(make_simulator)
    cipher = api.cipher(0)
    order = order_awaiting_shipment(sim.world, 0)
    assert _mark(api, cipher, order.id, tracking="AB-12345678")[1]["code"] == 21011022
    assert _mark(api, cipher, order.id, provider=provider_id("Royal Mail"))[1]["code"] == 11028006
    assert _mark(api, cipher, "576400000000000001")[1]["code"] == 21008111
    platform = order_awaiting_shipment(sim.world, 0, seller=False)
    assert _mark(api, cipher, platform.id)[1]["code"] == 21008025
    cancelled = order_awaiting_shipment(sim.world, 0)
    cancelled.data["status"] = "CANCELLED"
    assert _mark(api, cipher, cancelled.id)[1]["code"] == 21011041
    assert detail(api, cipher, order.id)["status"] == "AWAITING_SHIPMENT"
    assert not detail(api, cipher, order.id)["tracking_number"]


def test_other_markets_ship_the_package_and_not_the_order(make_simulator):
    sim, api, _ = _connected(make_simulator)
    cipher = api.cipher(2)  # the Malaysian shop
    order = order_awaiting_shipment(sim.world, 2)
    assert _mark(api, cipher, order.id)[1]["code"] == 21008106
    package_id = order.data["packages"][0]["id"]
    body = {"self_shipment": {"tracking_number": GOOD, "shipping_provider_id": USPS}}
    path = f"/fulfillment/202309/packages/{package_id}/ship"
    status, answer = api.call("POST", path, {"shop_cipher": cipher}, body)
    assert (status, answer["code"], answer["data"]) == (200, 0, {})
    assert detail(api, cipher, order.id)["status"] == "AWAITING_COLLECTION"
    unknown = "/fulfillment/202309/packages/1100000000000000001/ship"
    assert api.call("POST", unknown, {"shop_cipher": cipher}, body)[1]["code"] == 21011028
