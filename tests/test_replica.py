"""The read replica (docs/scaling.md "Read replicas"): which alias serves which read.

The `replica` alias of the test settings is a second connection to the same test database.
These tests run outside a test transaction (both connections must see the same committed
rows) and record the SQL each connection ran, so they show where a read went, not only what
it returned.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext

import orders.replica
from accounts.models import Shop
from exports.generate import export_generate
from orders.models import Order
from orders.replica import replica_caught_up, replica_reads, replica_status
from sellercenter.replica_middleware import STICKY_COOKIE
from sellercenter.settings.env import replica_from_env
from tests.exports.helpers import make_job
from tests.orders.factories import OrderFactory

routed = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
# Who may see what, and the jobs' own rows: never read on the replica. (An order's shop may be
# joined there for its name and zone.)
PRIMARY_ONLY = (
    '"accounts_user',
    '"accounts_membership',
    '"accounts_shopuserobjectpermission',
    '"auth_',
    '"django_session"',
    '"guardian_',
    '"exports_',
    '"orders_savedview"',
)
# The order data a replica serves (saved views, also in the orders app, are not).
ORDERS = ('"orders_order', '"orders_package', '"orders_refund', '"orders_sales', '"orders_buyer')


@pytest.fixture
def replica(settings):
    settings.REPLICA_ALIAS = "replica"


class Served:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.contexts = {a: CaptureQueriesContext(connections[a]) for a in ("default", "replica")}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def sql(self, alias: str, *tables: str) -> list[str]:
        statements = [q["sql"] for q in self.contexts[alias].captured_queries]
        return [s for s in statements if any(t in s for t in tables)] if tables else statements


def _get(client, path: str) -> tuple:
    with Served() as served:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return response, served


@routed
def test_list_counts_and_insights_read_orders_on_the_replica_and_permissions_on_the_primary(
    client, admin, shop, replica
):
    order = OrderFactory(shop=shop)
    client.force_login(admin)
    for path in ("/orders/", "/orders/counts/", "/insights/", "/insights/skus.csv"):
        response, served = _get(client, path)
        assert served.sql("replica", *ORDERS), path
        assert not served.sql("default", *ORDERS), (path, served.sql("default", *ORDERS))
        # The session, the user and the permission look-ups: always the primary's.
        assert served.sql("default", '"accounts_', '"guardian_'), path
        assert not served.sql("replica", *PRIMARY_ONLY), path
    response, _ = _get(client, "/orders/")
    assert order.order_id in response.content.decode()


@routed
def test_after_a_refund_that_persons_list_is_read_on_the_primary_for_a_while(
    client, cs_agent, shop, replica, settings
):
    order = OrderFactory(shop=shop, status="DELIVERED", refunds=False)
    client.force_login(cs_agent)
    with Served() as served:
        response = client.post(
            f"/orders/{order.order_id}/refunds/", {"amount": "10.00", "reason": "Damaged"}
        )
    assert response.status_code == 302
    assert order.refunds.get().status == "COMPLETED"
    assert not served.sql("replica"), "a write reads nothing on the replica"
    assert response.cookies[STICKY_COOKIE]["max-age"] == settings.REPLICA_STICKY_SECONDS

    response, served = _get(client, "/orders/?has_refund=1")  # where the seller goes next
    assert order.order_id in response.content.decode()
    assert not served.sql("replica")
    assert served.sql("default", '"orders_order"')

    client.cookies.pop(STICKY_COOKIE)  # the window has passed (the browser dropped it)
    _, served = _get(client, "/orders/?has_refund=1")
    assert served.sql("replica", '"orders_order"')
    assert not served.sql("default", *ORDERS)


@routed
def test_an_unreachable_replica_sends_the_read_views_to_the_primary(
    client, admin, shop, replica, monkeypatch, caplog
):
    order = OrderFactory(shop=shop)
    client.force_login(admin)
    down = connections["replica"]
    down.close()
    monkeypatch.setitem(down.settings_dict, "NAME", "/nonexistent/replica")
    monkeypatch.setattr(orders.replica, "_down_until", 0.0)
    for _ in range(2):  # the second request does not try the replica again
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get("/orders/")
        assert response.status_code == 200 and order.order_id in response.content.decode()
        assert [q for q in primary.captured_queries if '"orders_order"' in q["sql"]]
    warnings = [r.getMessage() for r in caplog.records if r.name == "orders.replica"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "read replica unreachable, reading the primary for 30 s"
    )
    down.close()


@routed
def test_without_a_replica_everything_is_read_and_written_on_the_primary(
    client, cs_agent, admin, shop, tmp_path
):
    order = OrderFactory(shop=shop, status="DELIVERED", refunded_amount=Decimal("0"))
    client.force_login(cs_agent)
    for path in ("/orders/", "/orders/counts/"):
        _, served = _get(client, path)
        assert served.sql("default", '"orders_order"') and not served.sql("replica")
    response = client.post(f"/orders/{order.order_id}/notes/", {"body": "Called the buyer"})
    assert response.status_code == 302 and STICKY_COOKIE not in response.cookies
    with replica_reads(), Served() as served:
        assert Order.objects.get(pk=order.pk)._state.db == "default"
    assert not served.sql("replica")
    assert replica_status() == {}

    job = make_job(admin, [shop], format="xlsx")
    assert not replica_caught_up(job.created_at)
    with Served() as served:
        export_generate(job, tmp_path / "file.xlsx")
    assert served.sql("default", *ORDERS) and not served.sql("replica")


@routed
def test_writes_transactions_and_what_is_not_order_data_stay_on_the_primary(
    admin, shop, replica, tmp_path
):
    OrderFactory(shop=shop)
    with replica_reads(), Served() as served:
        order = Order.objects.get(shop=shop)
        assert order._state.db == "replica"
        assert order.shop._state.db == "default"  # a shop (and its permissions) never lag
        assert router.db_for_read(Shop) == "default"
        order.buyer_message = "Please ring twice"
        order.save(update_fields=["buyer_message"])
        with transaction.atomic():
            assert Order.objects.get(pk=order.pk).buyer_message == "Please ring twice"
    assert served.sql("replica", '"orders_order"') and not served.sql("replica", "UPDATE")
    assert served.sql("default", 'UPDATE "orders_order"')
    assert served.sql("default", '"accounts_shop"')
    assert len(served.sql("default", 'FROM "orders_order"')) == 1  # the read in the transaction
    assert replica_status()["standby"] is False  # the tests' mirror is the primary itself
    assert router.allow_migrate("replica", "orders") is False
    assert router.allow_migrate("default", "orders") is True

    # Export generation: the orders from the replica, the job's own rows on the primary;
    # COPY (CSV on PostgreSQL) on the replica's own connection, and the ORM path (XLSX).
    for fmt in ("csv", "xlsx") if connection.vendor == "postgresql" else ():
        job = make_job(admin, [shop], format=fmt)
        assert replica_caught_up(job.created_at)  # the mirror is no standby: always current
        with Served() as served:
            generated = export_generate(job, tmp_path / f"file.{fmt}")
        assert generated.rows >= 1
        assert served.sql("replica", *ORDERS), fmt
        assert not served.sql("default", *ORDERS), fmt
        assert not served.sql("replica", *PRIMARY_ONLY)


PRIMARY_PG = {"ENGINE": "django.db.backends.postgresql", "NAME": "sellercenter"}


def test_the_replica_setting_is_parsed_like_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    assert replica_from_env(PRIMARY_PG) is None
    monkeypatch.setenv("DATABASE_REPLICA_URL", "")
    assert replica_from_env(PRIMARY_PG) is None
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader:pw@standby:5432/sellercenter")
    replica = replica_from_env(PRIMARY_PG)
    assert replica["ENGINE"] == PRIMARY_PG["ENGINE"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "standby",
        "reader",
        "sellercenter",
    )
    assert replica["TEST"] == {"MIRROR": "default"} and replica["CONN_HEALTH_CHECKS"]


@pytest.mark.parametrize(
    ("primary", "url", "says"),
    [
        ({"ENGINE": "django.db.backends.sqlite3"}, "postgres://standby/sc", "SQLite has no"),
        (PRIMARY_PG, "mysql://standby/sc", "must use postgres://"),
        (PRIMARY_PG, "not a url", "DATABASE_REPLICA_URL"),
    ],
)
def test_a_replica_that_cannot_work_stops_start_up_naming_the_variable(
    monkeypatch, primary, url, says
):
    monkeypatch.setenv("DATABASE_REPLICA_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL") as refused:
        replica_from_env(primary)
    assert says in str(refused.value)
