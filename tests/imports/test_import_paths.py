"""The fast paths of an import store exactly what the portable ones do: new orders by COPY
(PostgreSQL) or bulk_create, and unchanged orders found from plain rows or from models."""

import pytest
from django.db import connection

from imports.services import import_tiktok_file
from orders.models import Order, OrderEvent, OrderLine, Package
from orders.services import bulk_insert, tiktok_upsert
from orders.services.order_parts import order_parts_follow
from tests.accounts.factories import ShopFactory
from tests.imports.tiktok_files import sku_csv, sku_row

pytestmark = pytest.mark.django_db

STAMPS = {"id", "created_at", "modified_at"}


def _file() -> bytes:
    """Orders in several statuses: two SKUs each, one in a parcel, some with a formula-like
    note and a second parcel, times in the fall-back hour of DST."""
    rows = []
    for n, (status, substatus) in enumerate(
        [
            ("To ship", "Awaiting shipment"),
            ("Shipped", "In transit"),
            ("Completed", "Delivered"),
            ("Cancelled", "Cancelled"),
        ]
        * 3
    ):
        cells = {
            "Order ID": f"57612399{n:010d}\t",
            "Order Status": status,
            "Order Substatus": substatus,
            "Buyer Message": "=please ring" if n % 2 else "",
            "Created Time": "11/01/2026 01:30:00 AM\t" if n % 3 else "03/31/2026 11:30:00 PM\t",
            "Paid Time": "11/01/2026 01:40:00 AM\t" if n % 3 else "04/01/2026 12:05:00 AM\t",
        }
        rows.append(sku_row(**cells, **{"Tracking ID": f"TRK{n:05d}\t"} if n % 4 else {}))
        second = {"SKU ID": "1729000000000000002\t", "Tracking ID": f"TRL{n:05d}\t"}
        rows.append(sku_row(**cells, **second))
    return sku_csv(*rows)


def _rows(model, keys: set[str], **filters) -> list:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in STAMPS | keys]
    return sorted(model.objects.filter(**filters).values(*fields), key=repr)


def _stored(shop) -> list:
    """The shop's orders, lines, packages and timeline, without keys and stamps."""
    orders = Order.objects.filter(shop=shop)
    order_of = {"order__order_id"}
    return [
        _rows(Order, set(), shop=shop),
        _rows(OrderLine, {"order_id", "package_id"}, order__in=orders),
        sorted(
            OrderLine.objects.filter(order__in=orders).values_list(
                "order__order_id", "sku_id", "package__tracking_number"
            )
        ),
        _rows(Package, {"order_id"}, order__in=orders),
        sorted(Package.objects.filter(order__in=orders).values_list(*order_of, "tracking_number")),
        _rows(OrderEvent, {"order_id"}, order__in=orders),
        sorted(OrderEvent.objects.filter(order__in=orders).values_list(*order_of, "kind")),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_new_orders_by_copy_are_the_orders_bulk_create_stores(monkeypatch):
    shop = ShopFactory(market="US", currency="USD", timezone="America/Los_Angeles")
    data = _file()
    import_tiktok_file(shop=shop, source=data, name="orders.csv")
    by_copy = _stored(shop)
    Order.objects.filter(shop=shop).delete()
    monkeypatch.setattr(bulk_insert, "COPY_INSERTS", False)
    report = import_tiktok_file(shop=shop, source=data, name="orders.csv")
    assert report.created == 12
    assert _stored(shop) == by_copy


def test_unchanged_orders_found_from_rows_are_those_the_models_find(monkeypatch):
    shop = ShopFactory(market="US", currency="USD", timezone="America/Los_Angeles")
    data = _file()
    import_tiktok_file(shop=shop, source=data, name="orders.csv")
    stored = _stored(shop)
    again = import_tiktok_file(shop=shop, source=data, name="orders.csv", outcomes=True)
    monkeypatch.setattr(tiktok_upsert, "same_as_stored", lambda orders, rows, by: {})
    by_models = import_tiktok_file(shop=shop, source=data, name="orders.csv", outcomes=True)
    assert again.unchanged == 12 and again.outcomes == by_models.outcomes
    assert _stored(shop) == stored


def test_the_parts_of_new_orders_follow_their_status_as_the_update_would_make_them():
    """New lines and packages take their order's status before they are inserted: the UPDATE
    that used to follow the insert (order_parts_follow) finds nothing left to change."""
    shop = ShopFactory(market="US", currency="USD", timezone="America/Los_Angeles")
    import_tiktok_file(shop=shop, source=_file(), name="orders.csv")
    stored = _stored(shop)
    statuses = set(Order.objects.filter(shop=shop).values_list("status", flat=True))
    assert len(statuses) == 4
    for status in statuses:
        ids = Order.objects.filter(shop=shop, status=status).values_list("pk", flat=True)
        order_parts_follow(status=status, order_ids=list(ids))
    assert _stored(shop) == stored
