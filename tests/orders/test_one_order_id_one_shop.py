"""A TikTok order id belongs to one shop: an import that would give it to a second shop is
refused naming the shop that has it, and ids already held by two shops open unambiguously
(issue 13, item 8)."""

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from imports.services import ImportRefused, import_tiktok_file
from orders.models import Order, OrderEvent
from orders.statuses import OrderStatus
from tests.accounts.factories import ShopFactory, member
from tests.imports.tiktok_files import ORDER
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops():
    east = ShopFactory(slug="east", name="East Shop", timezone="America/New_York")
    west = ShopFactory(slug="west", name="West Shop", timezone="America/Los_Angeles")
    return east, west


def test_a_file_of_another_shops_orders_is_refused_naming_that_shop(two_shops):
    east, west = two_shops
    import_tiktok_file(shop=east, source=_csv(_row()), name="east.csv")
    with pytest.raises(ImportRefused) as refused:
        import_tiktok_file(shop=west, source=_csv(_row()), name="east.csv")
    (error,) = refused.value.errors
    assert error.column == "Order ID"
    assert "belongs to the shop East Shop" in error.reason
    assert list(Order.objects.filter(order_id=ORDER).values_list("shop__slug", flat=True)) == [
        "east"
    ]


def test_the_other_shop_is_named_only_to_someone_who_may_see_it(two_shops):
    east, west = two_shops
    import_tiktok_file(shop=east, source=_csv(_row()), name="east.csv")
    west_admin = member(shop=west, role=Role.ADMINISTRATOR, email="west.admin@example.test")
    with pytest.raises(ImportRefused) as refused:
        import_tiktok_file(shop=west, source=_csv(_row()), name="east.csv", actor=west_admin)
    (error,) = refused.value.errors
    assert "belongs to another shop" in error.reason
    assert "East" not in error.reason


def test_skipping_bad_rows_leaves_the_other_shops_order_out(two_shops):
    east, west = two_shops
    import_tiktok_file(shop=east, source=_csv(_row()), name="east.csv")
    mine = "576123400000000002"
    report = import_tiktok_file(
        shop=west,
        source=_csv(_row(), _row(**{"Order ID": f"{mine}\t"})),
        name="mixed.csv",
        skip_errors=True,
    )
    assert (report.created, report.skipped) == (1, 1)
    assert Order.objects.get(order_id=mine).shop == west
    assert Order.objects.filter(order_id=ORDER).count() == 1


@pytest.fixture
def duplicated(two_shops):
    """The same id in both shops (imported before this was refused), and a user of both."""
    east, west = two_shops
    order_id = "576999000000000001"
    copies = [
        OrderFactory(shop=shop, order_id=order_id, status=status)
        for shop, status in ((east, OrderStatus.AWAITING_SHIPMENT), (west, OrderStatus.DELIVERED))
    ]
    user = member(shop=east, role=Role.ADMINISTRATOR, email="both@example.test")
    membership_grant(shop=west, user=user, role=Role.ADMINISTRATOR, actor=None)
    return user, copies


def test_an_id_in_two_of_my_shops_asks_which_shop(client, duplicated):
    user, (east_copy, west_copy) = duplicated
    client.force_login(user)
    page = client.get(f"/orders/{east_copy.order_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "is in 2 of your shops" in body
    assert f"/orders/{east_copy.order_id}/?shop=east" in body
    assert f"/orders/{east_copy.order_id}/?shop=west" in body


def test_each_copy_opens_and_its_actions_stay_on_it(client, duplicated):
    user, (east_copy, west_copy) = duplicated
    client.force_login(user)
    url = f"/orders/{west_copy.order_id}/"
    west = client.get(url + "?shop=west").content.decode()
    assert "West Shop" in west and "Delivered" in west
    assert f'action="/orders/{west_copy.order_id}/notes/?shop=west"' in west
    east = client.get(url + "?shop=east").content.decode()
    assert "East Shop" in east and "Awaiting shipment" in east

    added = client.post(url + "notes/?shop=west", {"body": "Checked with the carrier."})
    assert added.status_code == 302
    assert added["Location"] == url + "?shop=west"
    notes = OrderEvent.objects.filter(kind="note")
    assert list(notes.values_list("order__shop__slug", flat=True)) == ["west"]


def test_the_list_links_each_copy_to_itself(client, duplicated):
    user, (east_copy, _) = duplicated
    OrderFactory(shop=east_copy.shop, order_id="576999000000000002")
    client.force_login(user)
    body = client.get("/orders/").content.decode()
    assert f'href="/orders/{east_copy.order_id}/?shop=east"' in body
    assert f'href="/orders/{east_copy.order_id}/?shop=west"' in body
    assert 'href="/orders/576999000000000002/"' in body  # its id is in one shop: a plain link


def test_an_action_without_the_shop_changes_nothing(client, duplicated):
    user, (east_copy, _) = duplicated
    client.force_login(user)
    response = client.post(f"/orders/{east_copy.order_id}/notes/", {"body": "Which one?"})
    assert response.status_code == 409
    assert not OrderEvent.objects.filter(kind="note").exists()


def test_a_user_of_one_shop_sees_only_their_copy(client, duplicated, two_shops):
    _, (east_copy, _) = duplicated
    east, _ = two_shops
    client.force_login(member(shop=east, role=Role.VIEWER, email="east.viewer@example.test"))
    page = client.get(f"/orders/{east_copy.order_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "East Shop" in body and "?shop=" not in body  # one copy: plain links as ever
    assert client.get(f"/orders/{east_copy.order_id}/?shop=west").status_code == 404
