"""The import pages translate HTTP only: the scoping selector, the apply service and the bad
rows' CSV, each through its own surface and through the page that calls it."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from imports.badrows import bad_rows_csv_name, bad_rows_csv_write
from imports.exceptions import ApplyRefused
from imports.models import ImportJob
from imports.selectors import import_job_for_user, import_job_list_for_user, import_job_progress
from imports.uploads import import_apply, import_upload
from orders.models import Order
from tests.imports.tiktok_files import sku_csv, sku_row

pytestmark = pytest.mark.django_db
GOOD = "576123400000000002"


def _previewed(shop, user, data: bytes, name="orders.csv") -> ImportJob:
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    job = import_upload(shop=shop, user=user, upload=upload, date_format="")
    assert job.previewed  # small: previewed in the request
    return job


def _with_a_bad_row() -> bytes:
    return sku_csv(sku_row(**{"Order ID": GOOD}), sku_row(**{"Quantity": "lots"}))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_jobs_are_listed_and_found_only_in_the_users_import_shops(admin, outsider, shop, viewer):
    job = _previewed(shop, admin, sku_csv(sku_row()))
    assert list(import_job_list_for_user(user=admin)) == [job]
    assert import_job_for_user(user=admin, pk=job.pk) == job
    for stranger in (outsider, viewer):  # another shop's administrator; a role without imports
        assert not import_job_list_for_user(user=stranger).exists()
        with pytest.raises(Http404):
            import_job_for_user(user=stranger, pk=job.pk)


def test_a_finished_preview_shows_its_progress_as_complete(admin, shop):
    job = _previewed(shop, admin, sku_csv(sku_row()))
    progress = import_job_progress(job=job)
    assert (progress.total, progress.notice, progress.stalled) == (job.rows_total, "", False)


def test_apply_refuses_bad_rows_not_chosen_and_changes_nothing(admin, shop):
    job = _previewed(shop, admin, _with_a_bad_row())
    with pytest.raises(ApplyRefused, match="The file has bad rows"):
        import_apply(job=job, user=admin, skip_errors=False)
    job.refresh_from_db()
    assert (job.stage, job.state, job.skip_errors) == ("preview", "finished", False)
    assert not Order.objects.exists()
    import_apply(job=job, user=admin, skip_errors=True)
    assert list(Order.objects.values_list("order_id", flat=True)) == [GOOD]


def test_apply_refuses_a_job_already_imported(admin, shop):
    job = _previewed(shop, admin, sku_csv(sku_row()))
    import_apply(job=job, user=admin, skip_errors=False)
    assert (job.stage, job.state) == ("apply", "finished") and Order.objects.count() == 1
    with pytest.raises(ApplyRefused, match="already been imported or is not ready"):
        import_apply(job=job, user=admin, skip_errors=False)
    assert Order.objects.count() == 1


def test_the_page_shows_the_apply_refusal(client, admin, shop):
    job = _previewed(shop, admin, _with_a_bad_row())
    client.force_login(admin)
    response = client.post(f"/orders/import/{job.pk}/apply/")
    assert response["Location"] == f"/orders/import/{job.pk}/"
    assert _messages(response) == ["The file has bad rows: import without them, or fix the file."]
    assert not Order.objects.exists()


def test_an_apply_button_value_the_page_never_sends_imports_nothing(client, admin, shop):
    """Only "on" leaves bad rows out; anything else is a page out of date, not a guess."""
    job = _previewed(shop, admin, sku_csv(sku_row()))
    client.force_login(admin)
    response = client.post(f"/orders/import/{job.pk}/apply/", {"skip_errors": "yes"})
    assert response["Location"] == f"/orders/import/{job.pk}/"
    assert _messages(response) == ["The form was out of date; reload the page and try again."]
    job.refresh_from_db()
    assert (job.stage, job.state) == ("preview", "finished") and not Order.objects.exists()


def test_the_bad_rows_csv_has_a_byte_order_mark_and_safe_cells(admin, shop):
    job = _previewed(shop, admin, _with_a_bad_row(), name="May.csv")
    out = io.StringIO()
    bad_rows_csv_write(out, report=job.report)
    assert out.getvalue().splitlines() == [
        "\ufeffRow,Column,Problem",
        "4,Quantity,'lots' is not a whole number of items",
    ]
    stored = {"errors": [{"row": 2, "column": "Note", "reason": "=HYPERLINK(1)"}]}
    out = io.StringIO()
    bad_rows_csv_write(out, report=stored)  # a report kept before the cap, with a formula
    assert out.getvalue().splitlines()[1] == "2,Note,'=HYPERLINK(1)"
    assert bad_rows_csv_name(job.file_name) == "May-errors.csv"
    assert bad_rows_csv_name("x" * 100 + ".xlsx") == "x" * 60 + "-errors.csv"
