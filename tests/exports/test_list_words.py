"""The export pages as an accountant reads them: requested times in the
shops' zone, filters in words, and how many orders an export holds before it starts."""

from datetime import UTC, datetime

import pytest

from exports.models import ExportJob
from orders.models import Package
from tests.exports.helpers import make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
FILTERS = "status=IN_TRANSIT&carrier=J%26T&sort=total"


def _at(job: ExportJob, moment: datetime) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(created_at=moment)
    return job


def _in_transit_with_jt(shop):
    order = OrderFactory(shop=shop, status="IN_TRANSIT")
    Package.objects.filter(order=order).update(shipping_provider_name="J&T")
    return order


def test_the_list_shows_filters_in_words(client, accountant, kl_shop):
    _in_transit_with_jt(kl_shop)
    make_job(accountant, [kl_shop], query_string=FILTERS)
    make_job(accountant, [kl_shop], query_string="")
    client.force_login(accountant)
    page = client.get("/exports/").content.decode()
    assert "Status: In transit; Carrier: J&amp;T" in page
    assert "All orders" in page
    assert "status=IN_TRANSIT" not in page and "Sorted" not in page  # files ignore the sort


def test_ticked_orders_are_counted_in_words(client, accountant, kl_shop):
    one, two = OrderFactory(shop=kl_shop), OrderFactory(shop=kl_shop)
    job = make_job(accountant, [kl_shop], order_keys=[one.pk])
    make_job(accountant, [kl_shop], order_keys=[one.pk, two.pk])
    client.force_login(accountant)
    page = client.get("/exports/").content.decode()
    assert "1 ticked order<" in page and "2 ticked orders" in page
    assert "1 ticked order" in client.get(f"/exports/{job.pk}/").content.decode()


def test_the_detail_page_shows_filters_in_words(client, accountant, kl_shop):
    _in_transit_with_jt(kl_shop)
    job = _at(
        make_job(accountant, [kl_shop], query_string=FILTERS),
        datetime(2026, 3, 1, 16, 30, tzinfo=UTC),
    )
    client.force_login(accountant)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "Status: In transit; Carrier: J&amp;T" in page
    assert "Mar 2, 2026 00:30" in page and "Asia/Kuala_Lumpur" in page


def test_requested_times_are_in_the_shops_zone(client, accountant, kl_shop):
    _at(make_job(accountant, [kl_shop]), datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    client.force_login(accountant)
    page = client.get("/exports/").content.decode()
    assert "Mar 2, 00:30" in page  # 16:30 UTC is past midnight in Kuala Lumpur
    assert 'Requested <span class="muted small zone">(Asia/Kuala_Lumpur)</span>' in page


def test_jobs_of_shops_in_different_zones_each_name_theirs(client, accountant, kl_shop, other_shop):
    from accounts.services import membership_grant

    membership_grant(shop=other_shop, user=accountant, role="accountant", actor=None)
    moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
    _at(make_job(accountant, [kl_shop]), moment)
    _at(make_job(accountant, [other_shop]), moment)
    client.force_login(accountant)
    page = client.get("/exports/").content.decode()
    assert 'Jul 1, 20:00</time> <span class="muted small">Asia/Kuala_Lumpur' in page
    assert 'Jul 1, 13:00</time> <span class="muted small">Europe/London' in page


def test_the_new_export_page_counts_the_orders_first(client, accountant, kl_shop, other_shop):
    for _ in range(3):
        OrderFactory(shop=kl_shop, status="IN_TRANSIT")
    OrderFactory(shop=kl_shop, status="DELIVERED")
    OrderFactory(shop=other_shop, status="IN_TRANSIT")  # not the accountant's shop
    client.force_login(accountant)
    page = client.get("/exports/new/?status=IN_TRANSIT").content.decode()
    assert "This export will contain 3 orders." in page
    page = client.get("/exports/new/?status=DELIVERED").content.decode()
    assert "This export will contain 1 order." in page
    page = client.get("/exports/new/?status=CANCELLED").content.decode()
    assert "No order matches: the file will hold only the header row." in page


def test_ticked_orders_are_counted_as_the_worker_selects_them(
    client, accountant, kl_shop, other_shop
):
    mine = OrderFactory(shop=kl_shop)
    foreign = OrderFactory(shop=other_shop)
    client.force_login(accountant)
    page = client.post(
        "/orders/bulk/", {"action": "export", "ids": [mine.pk, foreign.pk], "query": ""}
    ).content.decode()
    assert "This export will contain 1 order." in page


def test_refused_filters_show_no_count(client, accountant, kl_shop):
    OrderFactory(shop=kl_shop)
    client.force_login(accountant)
    page = client.get("/exports/new/?date_from=9999-01-01").content.decode()
    assert "This export will contain" not in page


def test_the_schedule_form_says_the_filters_it_keeps_in_words(client, accountant, kl_shop):
    client.force_login(accountant)
    page = client.get("/exports/schedules/new/?status=IN_TRANSIT&period=last_month").content
    page = page.decode()
    assert "Other filters kept: Status: In transit." in page  # the period is the schedule's
    assert "<code>" not in page
