"""Every way an order changes keeps its day's roll-ups exact: after each service (its
transaction committed), the roll-ups equal the direct aggregation and no day is left marked."""

from datetime import timedelta
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin as django_admin
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.roles import Role
from demo.seed import demo_seed
from imports.resources import OrderResource
from orders.admin import OrderAdmin
from orders.models import BuyerRequest, Order, OrderLine, SalesDay, SalesDayDirty, SkuDay
from orders.periods import add_months
from orders.selectors import sales_rollups as rolled
from orders.services.buyer_request_store import buyer_requests_store
from orders.services.refunds import refund_decide, refund_request
from orders.services.sales_rollups import sales_days_touched
from orders.services.seller_cancel import order_cancel_undo
from orders.services.shipment_undo import order_shipment_undo
from orders.services.status import order_status_change
from orders.services.tiktok_upsert import tiktok_orders_upsert
from orders.statuses import ActorType, OrderStatus
from orders.tasks import sales_rollups_sweep_task
from tests.accounts.factories import member
from tests.insights.rollups import assert_rolled_equal, rebuild, scope_for
from tests.orders.factories import OrderFactory
from tests.orders.request_objects import return_object
from tests.orders.tiktok_objects import T0, tiktok_order
from tests.tracking.helpers import PICKED_UP, tracked_package, tracking_update
from tracking.services.checkpoints import tracking_apply

pytestmark = pytest.mark.django_db
ORDER = "576486316948490001"


@pytest.fixture
def boss(shop):
    return member(shop=shop, role=Role.ADMINISTRATOR)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its request ended: its on-commit recompute runs."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


def exact(user, shop, *, days=60) -> None:
    """The shop's roll-ups answer what its orders say, and no day waits."""
    assert not SalesDayDirty.objects.exists()
    today = timezone.now().astimezone(shop.zone).date()
    scope = scope_for(user, {}, shop.currency)
    first, after = today - timedelta(days=days), today + timedelta(days=2)
    # and the whole months around them, read from the monthly rows
    months = (first.replace(day=1), add_months(today.replace(day=1), 1))
    line = OrderLine.objects.filter(order__shop=shop).exclude(seller_sku="").first()
    for period in ((first, after), months):
        assert_rolled_equal(scope_for(user, {}, shop.currency), *period)
        if line is not None:  # and for the orders of one SKU
            one_sku = scope_for(user, {"sku": line.seller_sku}, shop.currency)
            assert_rolled_equal(one_sku, *period)
    return rolled.rolled_figures(scope, first, after)


@pytest.fixture
def placed(shop, boss, committed):
    """An order awaiting shipment, its roll-ups made by the factory's save (demo_orders_save)."""
    order = committed(OrderFactory, shop=shop, status=OrderStatus.AWAITING_SHIPMENT, order_id=ORDER)
    order.refunds.all().delete()
    Order.objects.filter(pk=order.pk).update(refunded_amount=0, has_refund=False)
    order.lines.update(returned_quantity=0)
    rebuild([shop])
    order.refresh_from_db()
    return order


def test_a_saved_order_is_rolled_up(shop, boss, committed):
    committed(OrderFactory, shop=shop, status=OrderStatus.DELIVERED)
    assert exact(boss, shop).orders == 1


def _tiktok_cancels(order, committed) -> None:
    committed(
        order_status_change,
        order=order,
        new_status=OrderStatus.CANCELLED,
        actor_type=ActorType.TIKTOK,
        occurred_at=timezone.now(),
    )


def test_a_status_change(shop, boss, placed, committed):
    _tiktok_cancels(placed, committed)
    assert exact(boss, shop).cancelled == 1


def test_a_refund_and_its_approval(shop, boss, placed, committed):
    committed(refund_request, order=placed, actor=boss, reason="Damaged", amount="10.00")
    figures = exact(boss, shop)
    assert figures.refunds == Decimal("10.00") and figures.returned == 1

    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    placed.shop = shop
    agent = member(shop=shop, role=Role.CUSTOMER_SERVICE)
    waiting = committed(refund_request, order=placed, actor=agent, reason="Late", amount="5.00")
    assert exact(boss, shop).refunds == Decimal("10.00")
    committed(refund_decide, refund=waiting, actor=boss, approve=True)
    assert exact(boss, shop).refunds == Decimal("15.00")


def test_a_return_request_and_what_tiktok_refunded(shop, boss, placed, committed):
    ours = str(placed.order_id)
    committed(
        buyer_requests_store,
        shop=shop,
        kind="return",
        objects=[return_object(ours)],
        source="sync",
    )
    assert BuyerRequest.objects.filter(order=placed).exists()
    assert exact(boss, shop).returned == 1
    done = return_object(
        ours, return_status="RETURN_OR_REFUND_REQUEST_COMPLETE", update_time=T0 + 10**8
    )
    committed(buyer_requests_store, shop=shop, kind="return", objects=[done], source="sync")
    # TikTok's 20.00, never more than the order's total (the factory's total may be less)
    assert exact(boss, shop).refunds == min(Decimal("20.00"), placed.total_amount)


def test_a_refused_cancellation_put_back(shop, boss, placed, committed):
    before = placed.update_time.isoformat()
    _tiktok_cancels(placed, committed)
    previous = {
        "status": OrderStatus.AWAITING_SHIPMENT,
        "update_time": before,
        "cancel_time": None,
        "cancel_reason": "",
        "cancellation_initiator": "",
        "lines": {},
        "packages": {},
    }
    committed(order_cancel_undo, order_pk=placed.pk, previous=previous, explanation="No", answer={})
    assert exact(boss, shop).cancelled == 0


def test_a_refused_shipment_put_back(shop, boss, placed, committed):
    Order.objects.filter(pk=placed.pk).update(status=OrderStatus.AWAITING_COLLECTION)
    rebuild([shop])
    previous = {"status": OrderStatus.AWAITING_SHIPMENT, "update_time": None, "rts_time": None}
    committed(
        order_shipment_undo,
        order_pk=placed.pk,
        package_pk=0,
        previous=previous,
        explanation="No",
        answer={},
    )
    assert Order.objects.get(pk=placed.pk).status == OrderStatus.AWAITING_SHIPMENT
    exact(boss, shop)


def test_the_tiktok_upsert_creates_and_moves_an_order_between_days(shop, boss, committed):
    committed(tiktok_orders_upsert, shop=shop, objects=[tiktok_order()], source="sync")
    assert exact(boss, shop).orders == 1
    moved = tiktok_order(update=60, status="IN_TRANSIT", create_time=T0 - 3 * 86400)
    moved["payment"]["original_total_product_price"] = "50.00"
    moved["payment"]["sub_total"] = "46.00"
    moved["payment"]["total_amount"] = "48.97"
    committed(tiktok_orders_upsert, shop=shop, objects=[moved], source="webhook")
    figures = exact(boss, shop)
    assert figures.orders == 1 and figures.gross_sales == Decimal("50.00")
    assert SalesDay.objects.filter(shop=shop).count() == 1


def test_an_admin_import_and_delete(shop, boss, placed, committed):
    dataset = OrderResource().export(queryset=Order.objects.filter(pk=placed.pk))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row.update(state="Nevada", status=OrderStatus.DELIVERED)
    changed = tablib.Dataset(list(row.values()), headers=list(row))
    result = committed(OrderResource().import_data, changed, dry_run=False, user=boss)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Order.objects.get(pk=placed.pk).state == "Nevada"
    assert exact(boss, shop).orders == 1

    model_admin = OrderAdmin(Order, django_admin.site)
    committed(model_admin.delete_queryset, None, Order.objects.filter(pk=placed.pk))
    assert exact(boss, shop).orders == 0


def test_a_shop_moved_to_another_zone(shop, boss, committed):
    for hour in (1, 5, 23):
        created = timezone.now() - timedelta(days=5, hours=hour)
        committed(OrderFactory, shop=shop, status=OrderStatus.COMPLETED, create_time=created)
    shop.timezone = "Asia/Tokyo"
    committed(shop.save)
    exact(boss, shop)


def test_the_sweep_recomputes_what_a_crash_left_marked(shop, boss, placed):
    day = placed.create_time.astimezone(shop.zone).date()
    SalesDay.objects.filter(shop=shop).delete()
    SalesDayDirty.objects.create(shop=shop, day=day)
    assert sales_rollups_sweep_task() == 1
    assert exact(boss, shop).orders == 1


def test_a_large_batch_is_left_to_the_sweep(shop, boss, placed, committed):
    """An import's batch does not wait for its days' recompute: they stay marked, read from
    the orders, until the sweep."""
    Order.objects.filter(pk=placed.pk).update(status=OrderStatus.CANCELLED)
    many = [(shop.pk, placed.create_time - timedelta(minutes=n)) for n in range(101)]
    committed(sales_days_touched, many)
    assert SalesDayDirty.objects.exists()
    first, after = _around(placed)
    scope = scope_for(boss, {}, shop.currency)
    assert rolled.rolled_figures(scope, first - timedelta(days=1), after) is None
    sales_rollups_sweep_task()
    assert exact(boss, shop).cancelled == 1


def test_the_rebuild_command(shop, boss, placed):
    SalesDay.objects.all().delete()
    SkuDay.objects.all().delete()
    call_command("rebuild_sales_rollups")
    assert exact(boss, shop).orders == 1
    SalesDay.objects.all().delete()
    day = placed.create_time.astimezone(shop.zone).date().isoformat()
    call_command("rebuild_sales_rollups", "--shop", shop.slug, "--from", day, "--to", day)
    assert exact(boss, shop).orders == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-01-01"], "Give both --from and --to"),
        (["--from", "2026-02-30", "--to", "2026-03-01"], "--from must be a date as YYYY-MM-DD"),
        (["--from", "2026-03-02", "--to", "2026-03-01"], "is before --from"),
        (["--from", "2000-01-01", "--to", "2026-03-01"], "At most ten years"),
        (["--shop", "nowhere"], "nowhere"),
    ],
)
def test_the_rebuild_command_refuses_bad_input(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("rebuild_sales_rollups", *arguments)


def test_the_demo_seed_rolls_up_what_it_inserted(db):
    demo_seed(orders=40)
    assert not SalesDayDirty.objects.exists()
    shop = Order.objects.first().shop
    user = member(shop=shop, role=Role.ADMINISTRATOR)
    exact(user, shop, days=400)


def test_a_carrier_scan_moves_the_order(shop, boss, committed):
    package = tracked_package(shop)
    rebuild([shop])
    update = tracking_update(package.tracking_number, PICKED_UP)
    committed(tracking_apply, package_id=package.pk, update=update)
    assert Order.objects.get(pk=package.order_id).status == OrderStatus.IN_TRANSIT
    steps = rolled.rolled_funnel(scope_for(boss, {}, "USD"), *_around(package.order))
    assert steps[1].orders == 1  # shipped
    exact(boss, shop)


def _around(order):
    day = order.create_time.astimezone(order.shop.zone).date()
    return day, day + timedelta(days=1)
