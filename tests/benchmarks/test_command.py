"""`manage.py benchmark` runs on a small demo and prints its tables; bad arguments are refused
naming the argument."""

import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _benchmark(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("benchmark", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_list_benchmark_runs_on_a_small_demo_and_prints_a_table():
    """On 200 demo orders no order needs some actions: those cases time a query with no
    SQL to run instead of failing."""
    table = _benchmark("--parts", "list", "--orders", "200", "--repeat", "5")
    assert table.startswith("Order list on 200 orders")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]]
    assert names[:2] == ["default view", "status"]
    assert "needs action: overdue" in names and "filter lists, cold cache (default view)" in names


@pytest.mark.parametrize(
    "args, message",
    [
        (["--parts", "list,pigeon"], "Unknown part"),
        (["--repeat", "1"], "--repeat must be at least 5"),
        (["--orders", "0"], "--orders must be positive"),
        (["--small", "10", "--subset", "5"], "--small and --subset"),
        (["--user", "nobody@example.test"], "No user 'nobody@example.test'"),
        (["--parts", "api", "--api-orders", "0"], "--api-orders must be positive"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        _benchmark(*args)


@pytest.mark.django_db(transaction=True)  # the back-fill runs in a forked process
def test_the_tiktok_benchmark_back_fills_from_the_simulator_and_leaves_no_orders_behind():
    from orders.models import Order

    table = _benchmark(
        "--parts", "tiktok", "--orders", "20", "--tiktok-orders", "60", "--tiktok-webhooks", "0"
    )
    assert "| webhook" not in table
    row = next(line for line in table.splitlines() if line.startswith("| back-fill"))
    created = int(row.split("(")[1].split(" created")[0])
    assert created > 0 and "0 refused" in row
    assert f"| {created:,} |" in row  # the orders column counts what was stored
    assert not Order.objects.filter(shop__slug="bench-tiktok").exists()


@pytest.mark.django_db(transaction=True)  # a web server and a worker read what it wrote
def test_the_tiktok_benchmark_times_webhooks_until_the_list_shows_the_new_status():
    """Three orders moved one by one in the simulator: each is seen on the list, through the
    webhook, a real worker and the list page over HTTP, within the time the case allows."""
    from orders.models import Order

    table = _benchmark(
        "--parts", "tiktok", "--orders", "20", "--tiktok-orders", "20", "--tiktok-webhooks", "3"
    )
    row = next(line for line in table.splitlines() if line.startswith("| webhook"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:3] == ["3", "3"]  # three moved, three shown
    assert 0 < float(cells[4].removesuffix(" s")) < 30  # the p95
    assert not Order.objects.filter(shop__slug="bench-tiktok").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tiktok-orders", "0"], "--tiktok-orders must be positive"),
        (["--tiktok-webhooks", "-1"], "--tiktok-webhooks must be between 0 and 1000"),
    ],
)
def test_the_tiktok_benchmark_refuses_bad_sizes(args, message):
    with pytest.raises(CommandError, match=message):
        _benchmark("--parts", "tiktok", "--orders", "20", *args)


def test_the_insights_benchmark_times_the_page_against_its_raw_sql():
    table = _benchmark("--parts", "insights", "--orders", "120", "--repeat", "5")
    assert table.startswith("Sales insights on 120 orders")
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert names[:2] == ["last 30 days", "last 12 months"]
    assert any(name.startswith("a SKU (") for name in names)
    assert any(name.startswith("a state (") for name in names)
    assert "Roll-ups brought up to date first" in table


def test_the_api_benchmark_times_the_list_and_pages_through_and_keeps_nothing():
    """Through the API with a real token, every order paged through once; the token and the
    audit events of its unmasked pages are rolled back with the benchmark's transaction."""
    from accounts.access import shops_for_user
    from accounts.models import AuditEvent, User
    from accounts.roles import Perm
    from api.models import ApiToken
    from orders.models import Order

    table = _benchmark(
        "--parts",
        "api",
        "--orders",
        "250",
        "--repeat",
        "5",
        "--deep",
        "120",
        "--api-orders",
        "1000",
        "--api-per-page",
        "50",
    )
    assert table.startswith("Read API on 250 orders")
    admin = User.objects.get(email="admin@demo.test")
    assert "| list: 100 orders with lines (default) |" in table
    assert "| list: deep page (row 120, cursor) |" in table
    readable = Order.objects.filter(shop__in=shops_for_user(admin, Perm.VIEW_ORDERS)).count()
    row = next(line for line in table.splitlines() if line.startswith("| API, 50 a page"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:3] == [str(readable), str(math.ceil(readable / 50))]  # each order once
    first, last = cells[6].split(", ")
    assert first == last  # as many statements on the last page as on the first
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="buyer_data_viewed").exists()
