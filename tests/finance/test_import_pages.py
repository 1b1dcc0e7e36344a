"""/finance/import/: a finance file uploaded, previewed and imported through the order
importer's jobs (in the request, or queued for a worker); refusals in words; the order import
page and the finance one keep their jobs apart; accountants (no import permission) are out."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from finance.models import SettlementTransaction, Statement, UnsettledTransaction
from imports.models import ImportJob
from tests.accounts.factories import member
from tests.finance import finance_files as ff

pytestmark = pytest.mark.django_db


def upload(client, shop, content: bytes, name="merchant_statement_profit_loss_202606.xlsx"):
    file = SimpleUploadedFile(name, content)
    return client.post("/finance/import/", {"shop": shop.slug, "file": file})


def test_preview_then_import_then_the_same_file_again(client, admin, shop):
    client.force_login(admin)
    response = upload(client, shop, ff.profit_loss())
    job = ImportJob.objects.get()
    assert response["Location"] == f"/finance/import/{job.pk}/"
    assert (job.kind, job.state, job.stage) == ("finance", "finished", "preview")
    page = client.get(response["Location"]).content.decode()
    assert "2 transactions would be added" in page and "Import</button>" in page
    assert "profit and loss workbook" in page
    assert not Statement.objects.exists()  # a preview stores nothing
    applied = client.post(f"/finance/import/{job.pk}/apply/", follow=True)
    assert "2 transactions were added" in applied.content.decode()
    assert SettlementTransaction.objects.count() == 2
    # Applying twice is refused; uploading the file again adds nothing.
    again = client.post(f"/finance/import/{job.pk}/apply/", follow=True)
    assert "already been imported" in again.content.decode()
    upload(client, shop, ff.profit_loss())
    second = ImportJob.objects.filter(kind="finance").first()
    client.post(f"/finance/import/{second.pk}/apply/")
    second.refresh_from_db()
    assert (second.report["created"], second.report["unchanged"]) == (0, 2)
    assert SettlementTransaction.objects.count() == 2


def test_a_file_with_bad_rows_cannot_be_imported(client, admin, shop):
    client.force_login(admin)
    upload(client, shop, ff.profit_loss([ff.orders_row(net="$12,34.5.6")]))
    job = ImportJob.objects.get()
    page = client.get(f"/finance/import/{job.pk}/").content.decode()
    assert "Bad rows" in page and "Orders › Net Order Margin" in page
    assert "Import</button>" not in page
    refused = client.post(f"/finance/import/{job.pk}/apply/", follow=True)
    assert "fix them and upload it again" in refused.content.decode()
    assert not Statement.objects.exists()
    errors = client.get(f"/finance/import/{job.pk}/errors.csv").content.decode()
    assert "Orders › Net Order Margin" in errors


def test_another_markets_file_is_refused_on_the_form(client, admin, shop):
    client.force_login(admin)
    response = upload(client, shop, ff.csv_bytes(ff.SEA_HEADER, [ff.sea_row()]), "income.csv")
    assert response.status_code == 400
    assert "North Shop is a US shop" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_large_file_goes_to_a_worker(client, admin, shop, settings):
    settings.IMPORT_INLINE_BYTES = 10
    client.force_login(admin)
    content = ff.csv_bytes(ff.UNSETTLED_HEADER, [ff.unsettled_row()])
    upload(client, shop, content, "unsettled.csv")
    job = ImportJob.objects.get()
    assert job.state == "queued"
    from imports.tasks import import_run_task

    import_run_task(job.pk)
    job.refresh_from_db()
    assert (job.state, job.report["unsettled_created"]) == ("finished", 1)
    client.post(f"/finance/import/{job.pk}/apply/")
    import_run_task(job.pk)
    job.refresh_from_db()
    assert (job.stage, job.state) == ("apply", "finished")
    assert UnsettledTransaction.objects.get().estimated_settlement_text == "Delivered + 1 days"


def test_order_and_finance_jobs_stay_on_their_own_pages(client, admin, shop):
    client.force_login(admin)
    upload(client, shop, ff.profit_loss())
    job = ImportJob.objects.get()
    assert client.get(f"/orders/import/{job.pk}/").status_code == 404
    assert job.file_name not in client.get("/orders/import/").content.decode()
    assert job.file_name in client.get("/finance/import/").content.decode()


def test_an_accountant_may_not_import_finance_files(client, shop):
    client.force_login(member(shop=shop, role=Role.ACCOUNTANT))
    assert client.get("/finance/import/").status_code == 403


def test_the_order_import_page_links_to_the_finance_one(client, admin, shop):
    client.force_login(admin)
    assert 'href="/finance/import/"' in client.get("/orders/import/").content.decode()
