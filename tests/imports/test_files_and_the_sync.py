"""A file imported after TikTok's sync stored the order: the file has no update time, only the
times of what happened to the order, so it changes what the sync owns only when one of them
is later than the sync's update time; it still fills what the API never carries."""

import copy
from zoneinfo import ZoneInfo

import pytest

from imports.services import import_tiktok_file
from orders.models import Order
from orders.services.tiktok_upsert import tiktok_orders_upsert
from tests.accounts.factories import ShopFactory
from tests.orders.test_tiktok_import_matches_sync import _file_of
from tests.orders.tiktok_objects import line_item, shipped, tiktok_order

pytestmark = pytest.mark.django_db
ID = "576486316948490001"
ZONE = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def shop():
    return ShopFactory(slug="files-and-sync", market="US", currency="USD", timezone=ZONE.key)


def _shipped_order(**extra) -> dict:
    """Shipped at create + 9000 s (the file's latest time), with `extra` in the object."""
    return shipped(tiktok_order(ID, line_items=[line_item(n=1), line_item(n=2)], **extra))


def _import(shop, obj: dict, **cells):
    file_obj = copy.deepcopy(obj)
    file_obj.update(cells)
    return import_tiktok_file(shop=shop, source=_file_of(file_obj), name="orders.csv")


def test_a_file_older_than_the_sync_changes_nothing_the_sync_owns_but_fills_the_rest(shop):
    obj = _shipped_order(seller_note="Call before delivery")
    obj["update_time"] = obj["collection_time"] + 3600  # TikTok changed it after shipping
    tiktok_orders_upsert(shop=shop, objects=[obj], source="sync")
    synced = Order.objects.get(shop=shop, order_id=ID)

    report = _import(shop, obj, buyer_message="Ring twice", seller_note="")

    order = Order.objects.get(shop=shop, order_id=ID)
    assert (report.updated, report.older) == (1, 0)  # the username and the category: filled
    assert order.buyer_message == "Leave at the door" and order.seller_note == synced.seller_note
    assert order.update_time == synced.update_time and order.status == "IN_TRANSIT"
    assert order.buyer_username == "i***mikayla200"
    assert {line.product_category for line in order.lines.all()} == {"Sports"}
    event = order.events.latest("pk")
    assert event.kind == "imported" and event.payload["changed"] == ["buyer_username"]

    again = _import(shop, obj, buyer_message="Ring twice", seller_note="")

    assert (again.updated, again.unchanged, again.older) == (0, 0, 1)
    assert order.events.count() == 2  # created by the sync, filled by the file


def test_a_file_older_than_the_sync_that_says_only_what_the_sync_owns_is_older(shop):
    obj = _shipped_order()
    obj["update_time"] = obj["collection_time"] + 3600
    tiktok_orders_upsert(shop=shop, objects=[obj], source="sync")
    Order.objects.filter(shop=shop).update(buyer_username="i***mikayla200")
    Order.objects.get(shop=shop).lines.update(product_category="Sports")

    report = _import(shop, obj, buyer_message="Ring twice")

    assert (report.updated, report.unchanged, report.older) == (0, 0, 1)
    assert Order.objects.get(shop=shop).buyer_message == "Leave at the door"


def test_a_file_newer_than_the_sync_updates_the_order(shop):
    placed = tiktok_order(ID, line_items=[line_item(n=1), line_item(n=2)])  # not shipped yet
    tiktok_orders_upsert(shop=shop, objects=[placed], source="sync")
    obj = _shipped_order()  # the file: shipped after the sync's update time

    report = _import(shop, obj, buyer_message="Ring twice")

    order = Order.objects.get(shop=shop, order_id=ID)
    assert report.updated == 1
    assert order.status == "IN_TRANSIT" and order.buyer_message == "Ring twice"
    assert int(order.update_time.timestamp()) == obj["collection_time"]
    assert {line.display_status for line in order.lines.all()} == {"IN_TRANSIT"}
    assert order.packages.get().tracking_number == "9400111899223197428490"
    event = order.events.latest("pk")
    assert event.kind == "imported" and (event.payload["from"], event.payload["to"]) == (
        "AWAITING_SHIPMENT",
        "IN_TRANSIT",
    )


def test_a_sync_after_a_file_is_newer_when_its_update_time_is(shop):
    obj = _shipped_order()
    _import(shop, obj)
    older, newer = copy.deepcopy(obj), copy.deepcopy(obj)
    older["update_time"] = obj["collection_time"] - 60
    newer.update(update_time=obj["collection_time"] + 60, buyer_message="Ring twice")

    assert tiktok_orders_upsert(shop=shop, objects=[older], source="sync").older == 1
    assert tiktok_orders_upsert(shop=shop, objects=[newer], source="sync").updated == 1
    order = Order.objects.get(shop=shop, order_id=ID)
    assert order.buyer_message == "Ring twice" and order.buyer_username == "i***mikayla200"
