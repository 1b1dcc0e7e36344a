"""A user of two shops sees each time with its shop's zone named; a user
of one shop reads the times as before, the page naming the zone once."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from accounts.zones import zone_abbreviation
from tests.accounts.factories import ShopFactory
from tests.helpers import visible_text
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
CREATED = datetime(2026, 12, 1, 6, 5, tzinfo=UTC)  # 14:05 in Kuala Lumpur, 22:05 in LA


@pytest.fixture
def kl_shop():
    return ShopFactory(
        slug="kl-shop", name="KL Shop", market="MY", currency="MYR", timezone="Asia/Kuala_Lumpur"
    )


def test_zone_names_read_as_people_write_them():
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("America/Los_Angeles"))) == "PST"
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("Europe/London"))) == "GMT"
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("Asia/Kuala_Lumpur"))) == "UTC+8"
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("Asia/Kolkata"))) == "IST"
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("America/St_Johns"))) == "NST"
    assert zone_abbreviation(CREATED.astimezone(ZoneInfo("Asia/Kathmandu"))) == "UTC+5:45"


def test_a_user_of_two_shops_sees_each_times_zone(client, admin, shop, kl_shop):
    membership_grant(shop=kl_shop, user=admin, role=Role.VIEWER, actor=None)
    la = OrderFactory(shop=shop, create_time=CREATED)
    kl = OrderFactory(shop=kl_shop, create_time=CREATED)
    client.force_login(admin)

    listing = visible_text(client.get("/orders/").content.decode())
    assert "Nov 30, 2026 22:05 PST" in listing
    assert "Dec 1, 2026 14:05 UTC+8" in listing

    detail = visible_text(client.get(f"/orders/{kl.order_id}/").content.decode())
    assert "Dec 1, 2026 14:05 UTC+8" in detail  # the dates card and the timeline
    assert "Nov 30, 2026 22:05 PST" in visible_text(
        client.get(f"/orders/{la.order_id}/").content.decode()
    )


def test_a_user_of_one_shop_reads_times_without_a_zone_after_each(client, admin, shop):
    order = OrderFactory(shop=shop, create_time=CREATED)
    client.force_login(admin)
    listing = visible_text(client.get("/orders/").content.decode())
    assert "Nov 30, 2026 22:05" in listing and "22:05 PST" not in listing
    detail = visible_text(client.get(f"/orders/{order.order_id}/").content.decode())
    assert "Nov 30, 2026 22:05" in detail and "22:05 PST" not in detail
