"""TikTok's order object read into our rows, and stored: the one mapping the sync, the webhooks
and the file importer share (orders/tiktok_order.py, orders/services/tiktok_upsert.py)."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orders.models import Order
from orders.selectors.timeline import event_actor, event_detail, event_title
from orders.services.tiktok_upsert import tiktok_orders_upsert
from orders.statuses import ActorType, EventKind, LineStatus, OrderStatus, PackageStatus
from orders.tiktok_order import OrderRefused, tiktok_order_read
from tests.accounts.factories import ShopFactory
from tests.orders.tiktok_objects import T0, line_item, shipped, tiktok_order

pytestmark = pytest.mark.django_db
ID = "576486316948490001"


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _store(shop, *objects):
    return tiktok_orders_upsert(shop=shop, objects=list(objects), source="sync")


def test_an_order_object_becomes_our_order_in_tiktoks_field_names(shop):
    report = _store(shop, tiktok_order())

    assert (report.created, report.refused) == (1, [])
    order = Order.objects.get(shop=shop, order_id=ID)
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert (order.create_time, order.update_time) == (_at(T0), _at(T0 + 3600))
    assert (order.paid_time, order.shipping_due_time) == (_at(T0 + 60), _at(T0 + 3 * 86400))
    assert (order.buyer_user_id, order.buyer_nickname) == ("7021436810468230477", "maria")
    assert order.buyer_message == "Leave at the door"
    assert order.currency == "USD"
    assert order.original_total_product_price == Decimal("40.00")
    assert (order.seller_discount, order.platform_discount) == (Decimal("2.00"), Decimal("2.00"))
    assert (order.sub_total, order.shipping_fee_platform_discount) == (
        Decimal("36.00"),
        Decimal("5.99"),
    )
    assert (order.tax, order.total_amount) == (Decimal("2.97"), Decimal("38.97"))
    assert (order.recipient_name, order.recipient_phone) == ("Maria Lopez", "(+1)213***89")
    assert (order.address_line1, order.address_line2) == ("1200 Sunset Blvd", "Apt 4")
    assert (order.city, order.state, order.district) == ("Los Angeles", "CA", "")
    assert (order.postal_code, order.region_code) == ("90012", "US")
    assert (order.payment_method_name, order.delivery_option_name) == ("Visa", "Standard shipping")
    assert order.has_updated_recipient_address is False


def test_the_units_of_one_sku_are_one_line_with_their_count_and_sums(shop):
    other = line_item("1729385000000000002", n=3, original_price="5.50", sale_price="5.50")
    other.update(platform_discount="0.00", seller_discount="0.00", seller_sku="SOCKS")
    obj = tiktok_order(line_items=[line_item(n=1), line_item(n=2), other])
    obj["payment"].update(original_total_product_price="45.50", sub_total="41.50")

    _store(shop, obj)

    lines = {line.sku_id: line for line in Order.objects.get(order_id=ID).lines.all()}
    shirt = lines["1729385000000000001"]
    assert (shirt.quantity, shirt.unit_original_price) == (2, Decimal("20.00"))
    assert (shirt.subtotal_before_discount, shirt.subtotal_after_discount) == (
        Decimal("40.00"),
        Decimal("36.00"),
    )
    assert (shirt.platform_discount, shirt.seller_discount) == (Decimal("2.00"), Decimal("2.00"))
    assert (shirt.variation, shirt.seller_sku, shirt.product_name) == (
        "Black, XL",
        "SHIRT-BLK-XL",
        "Linen shirt",
    )
    assert (lines["1729385000000000002"].quantity, lines["1729385000000000002"].seller_sku) == (
        1,
        "SOCKS",
    )


def test_a_shipped_order_gets_its_package_with_its_lines_in_it(shop):
    _store(shop, shipped(tiktok_order()))

    order = Order.objects.get(order_id=ID)
    package = order.packages.get()
    assert (package.package_id, package.tracking_number) == (
        "1153132168123859",
        "9400111899223197428490",
    )
    assert (package.shipping_provider_name, package.package_status) == (
        "USPS",
        PackageStatus.FULFILLING,
    )
    assert {line.package_id for line in order.lines.all()} == {package.pk}
    assert {line.display_status for line in order.lines.all()} == {LineStatus.IN_TRANSIT}
    assert order.collection_time == _at(T0 + 9000)


def test_a_parcel_known_by_its_number_keeps_one_package_when_tiktok_gives_its_id(shop):
    early = shipped(tiktok_order())
    early["packages"] = []
    for item in early["line_items"]:
        del item["package_id"]
    _store(shop, early)

    _store(shop, shipped(tiktok_order(update=60)))

    package = Order.objects.get(order_id=ID).packages.get()
    assert (package.package_id, package.tracking_number) == (
        "1153132168123859",
        "9400111899223197428490",
    )


def test_the_same_object_twice_is_stored_once_with_one_event(shop):
    _store(shop, tiktok_order())
    again = _store(shop, tiktok_order())

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    order = Order.objects.get(order_id=ID)
    assert order.lines.count() == 1
    event = order.events.get()
    assert (event.kind, event.actor_type) == (EventKind.CREATED, ActorType.TIKTOK)
    assert event.payload == {"status": "AWAITING_SHIPMENT", "source": "sync"}


def test_a_newer_update_moves_the_order_its_lines_and_packages_and_says_so(shop):
    _store(shop, tiktok_order())
    report = _store(shop, shipped(tiktok_order(update=600)))

    assert report.updated == 1
    order = Order.objects.get(order_id=ID)
    assert (order.status, order.update_time) == (OrderStatus.IN_TRANSIT, _at(T0 + 4200))
    assert {line.display_status for line in order.lines.all()} == {LineStatus.IN_TRANSIT}
    assert order.packages.get().package_status == PackageStatus.FULFILLING
    event = order.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.actor_type == ActorType.TIKTOK
    assert (event.payload["from"], event.payload["to"], event.payload["source"]) == (
        "AWAITING_SHIPMENT",
        "IN_TRANSIT",
        "sync",
    )
    assert event.occurred_at == _at(T0 + 4200)
    assert event_detail(event) == "Awaiting shipment → In transit; items and packages updated"
    assert event_actor(event) == "TikTok (sync)"


def test_an_older_update_never_overwrites_a_newer_one(shop):
    _store(shop, shipped(tiktok_order(update=600)))
    report = _store(shop, tiktok_order(update=0, buyer_message="older words"))

    assert (report.older, report.updated) == (1, 0)
    order = Order.objects.get(order_id=ID)
    assert (order.status, order.buyer_message) == (OrderStatus.IN_TRANSIT, "Leave at the door")
    assert order.events.count() == 1


def test_of_two_copies_in_one_answer_the_newer_is_stored(shop):
    _store(shop, shipped(tiktok_order(update=600)), tiktok_order(update=0))

    assert Order.objects.get(order_id=ID).status == OrderStatus.IN_TRANSIT


def test_an_address_change_sets_tiktoks_flag_and_the_timeline_names_it(shop):
    _store(shop, tiktok_order())
    changed = tiktok_order(update=60, has_updated_recipient_address=True)
    changed["recipient_address"]["address_line1"] = "77 Ocean Ave"

    _store(shop, changed)

    order = Order.objects.get(order_id=ID)
    assert (order.address_line1, order.has_updated_recipient_address) == ("77 Ocean Ave", True)
    event = order.events.get(kind=EventKind.UPDATED)  # the status did not change
    assert "address_line1" in event.payload["changed"]
    assert (event_title(event), event_detail(event)) == (
        "Details updated",
        "Recipient address updated",
    )
    assert not order.events.filter(kind=EventKind.STATUS_CHANGED).exists()


def test_a_webhook_change_is_attributed_to_tiktoks_webhook(shop):
    _store(shop, tiktok_order())
    tiktok_orders_upsert(
        shop=shop, objects=[tiktok_order(update=60, seller_note="Gift wrap")], source="webhook"
    )

    event = Order.objects.get(order_id=ID).events.get(kind=EventKind.UPDATED)
    assert (event_detail(event), event_actor(event)) == ("Details updated", "TikTok (webhook)")


def test_an_order_without_an_address_yet_keeps_the_stored_one(shop):
    _store(shop, tiktok_order())
    unaddressed = tiktok_order(update=60, status="AWAITING_SHIPMENT", buyer_message="hi")
    del unaddressed["recipient_address"]

    _store(shop, unaddressed)

    order = Order.objects.get(order_id=ID)
    assert (order.buyer_message, order.recipient_name) == ("hi", "Maria Lopez")


def test_a_buyer_cancellation_keeps_who_when_and_why(shop):
    _store(shop, tiktok_order())
    cancelled = tiktok_order(
        update=60,
        status="CANCELLED",
        cancel_time=T0 + 3660,
        cancel_reason="No longer needed",
        cancellation_initiator="BUYER",
        is_buyer_request_cancel=True,
        line_items=[
            line_item(n=1, display_status="CANCELLED", cancel_user="BUYER"),
            line_item(n=2, display_status="CANCELLED", cancel_user="BUYER"),
        ],
    )

    _store(shop, cancelled)

    order = Order.objects.get(order_id=ID)
    assert (order.status, order.cancel_time) == (OrderStatus.CANCELLED, _at(T0 + 3660))
    assert (order.cancel_reason, order.cancellation_initiator) == ("No longer needed", "BUYER")
    assert order.is_buyer_request_cancel is True
    assert {line.display_status for line in order.lines.all()} == {LineStatus.CANCELLED}


def _missing_total(obj):
    del obj["payment"]["total_amount"]


def _no_sku(obj):
    del obj["line_items"][1]["sku_id"]


def _milliseconds(obj):
    obj["update_time"] = obj["update_time"] * 1000


def _unknown_status(obj):
    obj["status"] = "TELEPORTED"


def _amount_as_float(obj):
    obj["payment"]["sub_total"] = 36.0


@pytest.mark.parametrize(
    "spoil, reason",
    [
        (_unknown_status, "unknown status 'TELEPORTED'"),
        (_missing_total, "`payment.total_amount` is missing"),
        (_no_sku, "a line item without `sku_id`"),
        (_milliseconds, "milliseconds"),
        (_amount_as_float, "`payment.sub_total` is not a decimal string"),
    ],
)
def test_a_bad_order_is_refused_alone_with_its_reason_logged(shop, caplog, spoil, reason):
    bad = tiktok_order("576486316948490002")
    spoil(bad)

    with caplog.at_level(logging.WARNING, logger="orders.services.tiktok_upsert"):
        report = _store(shop, tiktok_order(), bad, tiktok_order("576486316948490003"))

    assert report.created == 2
    assert [order_id for order_id, _ in report.refused] == ["576486316948490002"]
    assert reason in report.refused[0][1]
    assert not Order.objects.filter(order_id="576486316948490002").exists()
    assert f"shop {shop.slug}, order 576486316948490002" in caplog.text


def test_a_bad_update_leaves_the_stored_order_as_it_was(shop):
    _store(shop, tiktok_order())
    bad = shipped(tiktok_order(update=600))
    bad["status"] = "SHIPPED"

    report = _store(shop, bad)

    assert len(report.refused) == 1
    assert Order.objects.get(order_id=ID).status == OrderStatus.AWAITING_SHIPMENT


def test_another_shops_order_is_refused_not_copied(shop):
    other = ShopFactory(slug="elsewhere")
    _store(other, tiktok_order())

    report = _store(shop, tiktok_order(update=60))

    assert report.refused == [(ID, "the order belongs to another shop")]
    assert not Order.objects.filter(shop=shop).exists()


def test_a_level_tiktok_names_a_district_fills_the_district():
    obj = tiktok_order()
    obj["recipient_address"]["district_info"] = [
        {"address_level": "L0", "address_level_name": "Country", "address_name": "TH"},
        {"address_level": "L1", "address_level_name": "Province", "address_name": "Bangkok"},
        {"address_level": "L2", "address_level_name": "District", "address_name": "Bang Rak"},
    ]

    fields = tiktok_order_read(obj).fields

    assert (fields["state"], fields["district"], fields["city"]) == ("Bangkok", "Bang Rak", "")


def test_a_line_without_its_own_status_says_what_the_orders_implies():
    obj = shipped(tiktok_order())
    for item in obj["line_items"]:
        del item["display_status"]

    (line,) = tiktok_order_read(obj).lines

    assert line.values["display_status"] == LineStatus.IN_TRANSIT


def test_a_line_status_tiktok_never_sends_refuses_the_order():
    obj = tiktok_order()
    obj["line_items"][0]["display_status"] = "ON_HOLD"  # order-level only

    with pytest.raises(OrderRefused, match="unknown `display_status`"):
        tiktok_order_read(obj)


def test_a_time_before_creation_is_refused():
    with pytest.raises(OrderRefused, match="before the order was created"):
        tiktok_order_read(tiktok_order(paid_time=T0 - 60))


def test_zero_means_no_time_yet():
    order = tiktok_order_read(tiktok_order(delivery_time=0, rts_time="0"))

    assert order.fields["delivery_time"] is None and order.fields["rts_time"] is None


def test_an_order_the_database_refuses_is_refused_alone(shop):
    _store(shop, tiktok_order())
    Order.objects.get(order_id=ID).lines.update(returned_quantity=2)  # from a file
    fewer = tiktok_order(update=60, line_items=[line_item(n=1)])  # one unit left: 2 > 1
    fewer["payment"].update(original_total_product_price="20.00", sub_total="18.00")

    report = _store(shop, fewer, tiktok_order("576486316948490009"))

    assert report.created == 1
    assert report.refused == [(ID, "not stored (IntegrityError)")]
    assert Order.objects.get(order_id=ID).lines.get().quantity == 2
    assert Order.objects.filter(order_id="576486316948490009").exists()


def test_the_sync_owns_exactly_the_declared_recipient_and_shipping_address_fields():
    from orders.models import RECIPIENT_FIELDS, SHIPPING_ADDRESS_FIELDS
    from orders.tiktok_order import ADDRESS, ADDRESS_FIELDS, ADDRESS_LEVELS

    mapped = {name for name, _ in ADDRESS.values()} | set(ADDRESS_LEVELS.values()) | {"district"}
    assert ADDRESS_FIELDS == mapped == {*RECIPIENT_FIELDS, *SHIPPING_ADDRESS_FIELDS}


def test_an_order_whose_lines_lag_behind_its_status_is_unchanged_the_second_time(shop):
    # TikTok cancels the order while its line items still say they await shipment.
    lagging = tiktok_order(status="CANCELLED", cancel_time=T0 + 600, cancel_reason="Out of stock")
    for item in lagging["line_items"]:
        item["display_status"] = "AWAITING_SHIPMENT"
    _store(shop, lagging)
    events = Order.objects.get(order_id=ID).events.count()

    again = _store(shop, lagging)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    order = Order.objects.get(order_id=ID)
    assert order.events.count() == events
    assert set(order.lines.values_list("display_status", flat=True)) == {LineStatus.CANCELLED}
