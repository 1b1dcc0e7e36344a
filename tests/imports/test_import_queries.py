"""An import's statements do not grow with its orders: a batch is a few bulk statements,
whether it creates orders, updates them or finds them unchanged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.services import import_tiktok_file
from tests.accounts.factories import ShopFactory
from tests.imports.tiktok_files import sku_csv, sku_row

pytestmark = pytest.mark.django_db


def _file(prefix: str, count: int, status: str) -> bytes:
    """`count` orders of two SKUs each, the second one in a parcel of its own."""
    rows = []
    for n in range(count):
        cells = {"Order ID": f"{prefix}{n:011d}\t", "Order Substatus": status}
        rows.append(sku_row(**cells))
        second = {"SKU ID": "1729000000000000002\t", "Tracking ID": f"TRK{prefix}{n:06d}\t"}
        rows.append(sku_row(**cells, **second))
    return sku_csv(*rows)


def _queries(shop, source: bytes) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        report = import_tiktok_file(shop=shop, source=source, name="orders.csv")
    outcome = max(("created", "updated", "unchanged"), key=lambda name: getattr(report, name))
    return len(queries), outcome


# PostgreSQL only: SQLite takes at most 999 parameters a statement, so there a bulk insert of
# 30 orders is itself split into more statements than one of 3 (by design of the engine).
def test_the_statements_of_an_import_do_not_grow_with_its_orders(postgres):
    small, large = (
        ShopFactory(slug=slug, market="US", currency="USD", timezone="America/Los_Angeles")
        for slug in ("few-orders", "many-orders")
    )
    for status, outcome in (
        ("Awaiting shipment", "created"),
        ("Awaiting shipment", "unchanged"),
        ("Delivered", "updated"),
    ):
        few = _queries(small, _file("5761234", 3, status))
        many = _queries(large, _file("5761235", 30, status))
        assert few == many and few[1] == outcome, (status, few, many)
