"""An order id already held by two shops (imported before an import refused it: see
tests/imports/test_one_order_id_one_shop.py) opens unambiguously, and each copy's actions stay
on it."""

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from orders.models import OrderEvent
from orders.statuses import OrderStatus
from tests.accounts.factories import member
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


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
