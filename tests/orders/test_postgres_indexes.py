"""On PostgreSQL the list's free-text fields are trigram-indexed and the planner uses them."""

import pytest
from django.db import connection

from orders.models import Order
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_trigram_indexes_exist(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= {
        "order_buyer_username_trgm",
        "order_recipient_name_trgm",
        "line_product_name_trgm",
        "line_seller_sku_trgm",
    }


def test_buyer_search_uses_the_trigram_index(postgres, shop):
    OrderFactory.create_batch(5, shop=shop)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: force the choice
        queryset = Order.objects.filter(buyer_username__icontains="olivia").order_by().values("pk")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)  # the SQL Django itself sends
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "order_buyer_username_trgm" in plan
