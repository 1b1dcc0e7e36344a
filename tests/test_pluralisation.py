"""Counts of one read as one: the main pages, rendered with one order,
one row, one member, hold no "1 orders", "1 rows" or "1 items"."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exports.models import ExportStatus
from imports.models import ImportJob
from tests.exports.helpers import make_job
from tests.imports.tiktok_files import sku_csv, sku_row
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
ONE_PLURAL = re.compile(r"\b1 ([a-z]+s)\b")
# Words after "1" that are not a plural noun.
ALLOWED = {"is", "was", "has", "does", "lets"}


def _text(html: str) -> str:
    """What a person reads: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _plurals_after_one(html: str) -> list[str]:
    found = ONE_PLURAL.findall(_text(html)) + ONE_PLURAL.findall(html)
    return sorted({word for word in found if word not in ALLOWED})


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_order_list_and_its_counts_with_one_order(client, admin, shop):
    OrderFactory(shop=shop, status="AWAITING_SHIPMENT", shipping_due_time=timezone.now())
    client.force_login(admin)
    for url in ("/orders/", "/orders/counts/", "/orders/?status=AWAITING_SHIPMENT"):
        assert _plurals_after_one(_page(client, url)) == [], url


def test_the_overview_with_one_order_needing_action(client, admin, shop):
    OrderFactory(
        shop=shop,
        status="AWAITING_SHIPMENT",
        shipping_due_time=timezone.now() - timedelta(hours=1),  # overdue
    )
    client.force_login(admin)
    assert _plurals_after_one(_page(client, "/")) == []


def test_an_import_of_one_order_and_one_bad_row(client, admin, shop):
    client.force_login(admin)
    data = sku_csv(sku_row(**{"Order ID": "576123400000000002"}), sku_row(**{"Quantity": "lots"}))
    upload = SimpleUploadedFile("orders.csv", data, content_type="text/csv")
    client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get()
    assert _plurals_after_one(_page(client, f"/orders/import/{job.pk}/")) == []
    applied = client.post(f"/orders/import/{job.pk}/apply/", {"skip_errors": "on"}, follow=True)
    assert "1 order was created" in applied.content.decode()
    assert _plurals_after_one(applied.content.decode()) == []
    assert _plurals_after_one(_page(client, "/orders/import/")) == []


def test_the_export_pages_with_one_order(client, accountant, shop):
    order = OrderFactory(shop=shop)
    job = make_job(accountant, [shop], order_keys=[order.pk])
    job.status, job.rows_total, job.rows_done, job.size_bytes = ExportStatus.DONE, 1, 1, 1
    job.save()
    client.force_login(accountant)
    for url in ("/exports/", f"/exports/{job.pk}/", f"/exports/new/?q={order.order_id}"):
        assert _plurals_after_one(_page(client, url)) == [], url


def test_the_access_review_with_one_member(client, admin):
    client.force_login(admin)
    assert _plurals_after_one(_page(client, "/accounts/access-review/")) == []


def test_the_scheduled_export_email_with_one_row(accountant, shop, mailoutbox):
    from exports.notify import export_notify

    job = make_job(accountant, [shop], status=ExportStatus.DONE, rows_total=1, size_bytes=1)
    job.expires_at = timezone.now()
    export_notify(job)
    assert "1 row, 1 byte" in mailoutbox[0].body
    assert _plurals_after_one(mailoutbox[0].body) == []
