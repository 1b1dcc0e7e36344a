"""The order page says where an order came from: TikTok Shop (sync or webhook), a TikTok
order file, or nowhere (made here), with when that source last changed it."""

from datetime import UTC, datetime

from orders.services.tiktok_upsert import tiktok_orders_upsert
from tests.orders.factories import OrderFactory
from tests.orders.tiktok_objects import T0, tiktok_order


def _source_line(client, order_id: str) -> str:
    page = client.get(f"/orders/{order_id}/").content.decode()
    start = page.find('id="order-source"')
    return page[start : page.find("</p>", start)] if start >= 0 else ""


def test_an_order_from_tiktok_says_so_with_its_last_change_in_the_shops_zone(client, admin, shop):
    tiktok_orders_upsert(shop=shop, objects=[tiktok_order(update=3600)], source="sync")
    client.force_login(admin)
    line = _source_line(client, "576486316948490001")
    changed = datetime.fromtimestamp(T0 + 3600 + 3600, UTC).astimezone(shop.zone)  # its update
    assert line.endswith(f"From TikTok Shop · last change {changed:%b %-d, %Y %H:%M}")


def test_an_order_made_here_has_no_source_line(client, admin, shop):
    order = OrderFactory(shop=shop)
    order.events.filter(actor_type="tiktok").delete()
    client.force_login(admin)
    assert _source_line(client, order.order_id) == ""


def test_an_imported_order_names_the_file_as_its_source(client, admin, shop):
    order = OrderFactory(shop=shop)
    order.events.create(kind="imported", actor_type="system", occurred_at=order.create_time)
    client.force_login(admin)
    assert "From a TikTok order file" in _source_line(client, order.order_id)
