"""/exports/ over HTTP: starting exports (filters, ticked rows, bad input), who sees and
downloads which job, cancel and retry, reports and schedules, and the audit trail."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from exports.models import ExportJob, ExportReport, ExportSchedule, ExportStatus
from tests.accounts.factories import member
from tests.exports.helpers import make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _start(client, **fields):
    data = {"query": "status=IN_TRANSIT", "format": "csv", "template": "tiktok_sku_list"}
    data.update(fields)
    return client.post("/exports/", data)


def test_an_accountant_starts_an_export_of_the_filters(
    client, accountant, shop, django_capture_on_commit_callbacks
):
    client.force_login(accountant)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = _start(client)
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.requested_by, job.status, job.query_string) == (
        accountant,
        "queued",
        "status=IN_TRANSIT",
    )
    assert list(job.shops.all()) == [shop]
    assert len(enqueued) == 1  # sent to the worker only once the job is committed
    event = AuditEvent.objects.get(action=AuditAction.EXPORT_CREATED)
    assert (event.actor, event.shop, event.payload["filters"]) == (
        accountant,
        shop,
        "status=IN_TRANSIT",
    )
    page = client.get("/exports/")
    assert f"#{job.pk}" in page.content.decode() and "Queued" in page.content.decode()


def test_ticked_rows_from_the_order_list(client, accountant, shop, other_shop):
    mine = OrderFactory(shop=shop)
    foreign = OrderFactory(shop=other_shop)
    client.force_login(accountant)
    page = client.post(
        "/orders/bulk/",
        {"action": "export", "ids": [mine.pk, foreign.pk], "query": "sort=-created"},
    )
    assert page.status_code == 200
    assert page.context["form"]["ids"].value() == str(mine.pk)  # the foreign id is gone
    _start(client, ids=str(mine.pk), query="sort=-created")
    assert ExportJob.objects.get().order_keys == [mine.pk]


def test_all_matching_from_the_order_list_keeps_the_filters(client, accountant, shop):
    OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(accountant)
    page = client.post(
        "/orders/bulk/", {"action": "export", "all_matching": "1", "query": "status=IN_TRANSIT"}
    )
    assert page.context["form"]["query"].value() == "status=IN_TRANSIT"
    assert page.context["form"]["ids"].value() == ""
    assert "Status: In transit" in page.content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"template": "everything"}, "Select a valid choice"),
        ({"format": "pdf"}, "Select a valid choice"),
        ({"template": "custom"}, "Choose the saved report"),
        ({"query": "status=BOGUS"}, "Correct these filters"),
        ({"query": "date_from=2026-05-01&date_to=2026-04-01"}, "Correct these filters"),
        ({"query": "shop=south-shop"}, "export permission"),
        ({"ids": "12 x"}, "not valid"),
        ({"query": "buyer=maria"}, "permission to see buyer contact"),  # masked for accountants
    ],
)
def test_bad_requests_queue_nothing(client, accountant, shop, other_shop, fields, message):
    client.force_login(accountant)
    response = _start(client, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExportJob.objects.exists()


def test_someone_elses_report_cannot_be_used(client, accountant, admin, shop):
    theirs = ExportReport.objects.create(owner=admin, name="Theirs", columns=[{"key": "order_id"}])
    client.force_login(accountant)
    response = _start(client, template="custom", report=theirs.pk)
    assert response.status_code == 400 and not ExportJob.objects.exists()


def _done_job(user, shop, **fields):
    job = make_job(
        user, [shop], status=ExportStatus.DONE, file_name="north-shop_orders.csv", **fields
    )
    job.file.save(
        f"exports/{job.pk}/north-shop_orders.csv", ContentFile(b"\xef\xbb\xbfa,b\n"), save=False
    )
    job.expires_at = timezone.now() + timedelta(days=1)
    job.save()
    return job


@pytest.mark.parametrize(
    "role, detail, download",
    [
        (Role.ACCOUNTANT, 200, 200),  # the requester
        (Role.ADMINISTRATOR, 200, 200),  # an administrator of the shop, who exports
        (Role.CUSTOMER_SERVICE, 403, 403),  # no export permission at all
        (Role.FULFILMENT, 403, 403),
        (Role.VIEWER, 403, 403),
    ],
)
def test_who_sees_and_downloads_a_job(client, role_users, shop, role, detail, download):
    job = _done_job(role_users[Role.ACCOUNTANT], shop)
    client.force_login(role_users[role])
    assert client.get(f"/exports/{job.pk}/").status_code == detail
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == download
    if download == 200:
        assert b"".join(response.streaming_content) == b"\xef\xbb\xbfa,b\n"
        assert 'filename="north-shop_orders.csv"' in response["Content-Disposition"]
        event = AuditEvent.objects.get(action=AuditAction.EXPORT_DOWNLOADED)
        assert event.actor == role_users[role] and event.target == f"export {job.pk}"


def test_another_accountant_and_other_shops_get_404(client, accountant, shop, other_shop):
    job = _done_job(accountant, shop)
    colleague = member(shop=shop, role=Role.ACCOUNTANT)
    stranger = member(shop=other_shop, role=Role.ADMINISTRATOR)
    for user in (colleague, stranger):
        client.force_login(user)
        for url in ("", "download/"):
            assert client.get(f"/exports/{job.pk}/{url}").status_code == 404
        assert client.post(f"/exports/{job.pk}/cancel/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).exists()


def test_an_expired_file_says_so(client, accountant, shop):
    job = _done_job(accountant, shop)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(accountant)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_progress_is_polled_while_running(client, accountant, shop):
    job = make_job(accountant, [shop], status=ExportStatus.RUNNING, rows_total=200, rows_done=50)
    client.force_login(accountant)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "50 of 200 rows (25%)" in page
    partial = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "50 of 200 rows" in partial
    listing = client.get("/exports/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in listing and 'id="jobs"' in listing


def test_cancel_and_retry(client, accountant, shop, django_capture_on_commit_callbacks):
    job = make_job(accountant, [shop], status=ExportStatus.QUEUED)
    client.force_login(accountant)
    client.post(f"/exports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == ExportStatus.CANCELLED
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        client.post(f"/exports/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED and len(enqueued) == 1
    done = _done_job(accountant, shop)
    response = client.post(f"/exports/{done.pk}/retry/", follow=True)
    assert "Only a failed or cancelled export" in response.content.decode()
    assert client.get(f"/exports/{job.pk}/cancel/").status_code == 405


def test_custom_report_is_saved_with_names_and_order(client, accountant, shop):
    client.force_login(accountant)
    response = client.post(
        "/exports/reports/new/",
        {
            "name": "Books",
            "col_total": "on",
            "label_total": "Paid",
            "pos_total": "2",
            "col_order_id": "on",
            "pos_order_id": "1",
            "col_seller_sku": "on",
        },
    )
    assert response.status_code == 302
    report = ExportReport.objects.get()
    assert report.columns == [
        {"key": "order_id", "label": "Order ID"},
        {"key": "total", "label": "Paid"},
        {"key": "seller_sku", "label": "Seller SKU"},
    ]
    empty = client.post("/exports/reports/new/", {"name": "Nothing"})
    assert empty.status_code == 400 and "Pick at least one column" in empty.content.decode()
    same = client.post("/exports/reports/new/", {"name": "Books", "col_total": "on"})
    assert same.status_code == 400 and ExportReport.objects.count() == 1
    client.post(f"/exports/reports/{report.pk}/delete/")
    assert not ExportReport.objects.exists()


def test_schedule_is_created_for_the_shop_zone(client, accountant, shop, other_shop):
    client.force_login(accountant)
    data = {
        "name": "Month end",
        "shop": "north-shop",
        "frequency": "monthly",
        "date_field": "paid",
        "format": "xlsx",
        "template": "orders",
        "query": "status=COMPLETED",
    }
    response = client.post("/exports/schedules/new/", data)
    assert response.status_code == 302
    schedule = ExportSchedule.objects.get()
    local = schedule.next_run_at.astimezone(shop.zone)
    assert (local.day, local.hour, local.minute) == (1, 1, 0)
    bad = client.post("/exports/schedules/new/", {**data, "frequency": "hourly"})
    assert bad.status_code == 400 and ExportSchedule.objects.count() == 1
    foreign = client.post("/exports/schedules/new/", {**data, "shop": "south-shop"})
    assert foreign.status_code == 400 and ExportSchedule.objects.count() == 1


def test_filters_too_long_to_store_queue_nothing(client, accountant, shop):
    from django.http import QueryDict

    from exports.services import ExportRefused, export_request

    client.force_login(accountant)
    response = _start(client, query="status=IN_TRANSIT&" * 250)
    assert response.status_code == 400 and "at most 4000 characters" in response.content.decode()
    encoded = QueryDict(mutable=True)
    encoded["buyer"] = "é" * 1000  # 1,000 characters, 6,000 once encoded
    with pytest.raises(ExportRefused, match="too long"):
        export_request(user=accountant, query=encoded, format="csv", template="orders")
    assert not ExportJob.objects.exists()
