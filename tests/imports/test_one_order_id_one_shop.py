"""A TikTok order id belongs to one shop: an import that would give it to a second shop is
refused, naming the shop that has it only to someone who may see it."""

import pytest

from accounts.roles import Role
from imports.services import ImportRefused, import_tiktok_file
from orders.models import Order
from tests.accounts.factories import member
from tests.imports.tiktok_files import ORDER
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row

pytestmark = pytest.mark.django_db


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
