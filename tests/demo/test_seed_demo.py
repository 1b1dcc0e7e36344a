import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Shop, User
from accounts.roles import Role
from orders.models import Order, OrderEvent, OrderLine, Package
from tracking.models import TrackingCheckpoint

pytestmark = pytest.mark.django_db

TABLES = (Order, OrderLine, Package, TrackingCheckpoint, OrderEvent, Shop, User, Membership)


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_seed_demo_creates_two_shops_every_role_and_realistic_orders():
    call_command("seed_demo", orders=300, verbosity=0)

    us, uk = Shop.objects.get(market="US"), Shop.objects.get(market="GB")
    assert (us.timezone, us.currency) == ("America/Los_Angeles", "USD")
    assert (uk.timezone, uk.currency) == ("Europe/London", "GBP")
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    both = User.objects.get(email="manager@demo.test")
    assert both.memberships.count() == 2
    assert Order.objects.count() == 300
    assert Order.objects.filter(shop=us).count() > Order.objects.filter(shop=uk).count() > 0
    assert OrderLine.objects.count() > Order.objects.count()  # multi-line orders exist
    assert TrackingCheckpoint.objects.exists()
    assert Order.objects.exclude(buyer_message="").exists()
    assert OrderEvent.objects.filter(kind="message_in").exists() or Order.objects.count() < 100
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"COMPLETED", "CANCELLED", "DELIVERED"} <= statuses


def test_seed_demo_is_idempotent_and_scales_up_with_orders():
    call_command("seed_demo", orders=120, verbosity=0)
    first = _counts()
    call_command("seed_demo", orders=120, verbosity=0)
    assert _counts() == first

    call_command("seed_demo", orders=150, verbosity=0)
    assert Order.objects.count() == 150
    assert Shop.objects.count() == first["Shop"] and User.objects.count() == first["User"]


def test_seed_demo_refuses_a_negative_count():
    with pytest.raises(CommandError, match="--orders"):
        call_command("seed_demo", orders=-5, verbosity=0)
    assert Order.objects.count() == 0


def test_demo_logins_work_with_the_printed_password(client):
    call_command("seed_demo", orders=0, verbosity=0)
    response = client.post(
        "/accounts/login/", {"username": "viewer@demo.test", "password": "sellercenter-demo"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_if_empty_adds_no_orders_to_a_database_that_has_some():
    call_command("seed_demo", orders=30, verbosity=0)
    call_command("seed_demo", orders=500, if_empty=True, verbosity=0)
    assert Order.objects.count() == 30


@pytest.mark.django_db(transaction=True)
def test_parallel_seed_on_postgres_writes_each_order_once(postgres, monkeypatch):
    from demo import seed

    monkeypatch.setattr(seed, "PARALLEL_FROM", 10)  # fork even for a small run
    report = seed.demo_seed(orders=90)
    assert report.orders_created == 90
    assert Order.objects.count() == 90
    assert Order.objects.values("order_id").distinct().count() == 90
    assert not OrderLine.objects.filter(order__isnull=True).exists()
