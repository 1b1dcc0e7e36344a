"""The import page and its jobs: upload → preview → apply, in the request for small files and
in a worker (with progress) for large ones; bad uploads; other shops' jobs stay out of reach."""

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports.models import ImportJob
from orders.models import Order
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row

pytestmark = pytest.mark.django_db
GOOD = "576123400000000002"


def _upload(client, shop, data: bytes, name="orders.csv", **fields):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/orders/import/", {"shop": shop.slug, "file": upload, **fields})


def _good_and_bad() -> bytes:
    return _csv(_row(**{"Order ID": GOOD}), _row(**{"Quantity": "lots"}))


def test_administrator_previews_then_applies_with_bad_rows_left_out(client, admin, shop):
    client.force_login(admin)
    response = _upload(client, shop, _good_and_bad())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/import/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Bad rows" in page and "lots" in page
    # One clear choice (F13): no box to tick first; the button itself carries skip_errors.
    assert "The order with bad rows is left out and the rest imported." in page
    assert 'type="checkbox" name="skip_errors"' not in page and " required" not in page
    assert 'name="skip_errors" value="on">Import without the bad rows</button>' in page
    assert (job.stage, job.state, job.report["created"], job.report["skipped"]) == (
        "preview",
        "finished",
        1,
        1,
    )
    assert not Order.objects.exists()  # a preview stores nothing
    report = client.get(f"/orders/import/{job.pk}/errors.csv")
    assert report["Content-Disposition"] == 'attachment; filename="orders-errors.csv"'
    assert report.content.decode("utf-8-sig").splitlines() == [
        "Row,Column,Problem",
        "4,Quantity,'lots' is not a whole number of items",
    ]
    refused = client.post(f"/orders/import/{job.pk}/apply/")  # bad rows, not chosen
    assert refused.status_code == 302 and not Order.objects.exists()
    applied = client.post(f"/orders/import/{job.pk}/apply/", {"skip_errors": "on"})
    # to exactly the orders the import stored (test_import_link.py)
    assert applied["Location"] == f"/orders/?shop={shop.slug}&import_job={job.pk}"
    assert list(Order.objects.values_list("order_id", flat=True)) == [GOOD]
    job.refresh_from_db()
    assert (job.stage, job.state, job.skip_errors, job.file.name) == ("apply", "finished", True, "")
    again = client.post(f"/orders/import/{job.pk}/apply/", {"skip_errors": "on"})
    assert again.status_code == 302 and Order.objects.count() == 1  # applied once only
    history = client.get("/orders/import/").content.decode()
    assert "orders.csv" in history and "1 order was created" in history


def test_a_clean_file_applies_without_the_box(client, admin, shop):
    client.force_login(admin)
    _upload(client, shop, _csv(_row()))
    job = ImportJob.objects.get()
    page = client.get(f"/orders/import/{job.pk}/").content.decode()
    assert "left out" not in page and 'name="skip_errors"' not in page
    assert client.post(f"/orders/import/{job.pk}/apply/").status_code == 302
    assert Order.objects.count() == 1


def test_import_page_refuses_bad_uploads(client, admin, shop, other_shop):
    client.force_login(admin)
    png = SimpleUploadedFile("orders.png", b"\x89PNG", content_type="image/png")
    response = client.post("/orders/import/", {"shop": shop.slug, "file": png})
    assert response.status_code == 400 and ".csv or .xlsx" in response.content.decode()
    junk = _upload(client, shop, b"a,b\n1,2\n")
    assert junk.status_code == 400 and "missing" in junk.content.decode()
    binary = _upload(client, shop, bytes(range(256)) * 4)
    assert binary.status_code == 400 and "not UTF-8" in binary.content.decode()
    fake = _upload(client, shop, b"Order ID,SKU ID\n", name="orders.xlsx")
    assert fake.status_code == 400 and "not an Excel workbook" in fake.content.decode()
    foreign = _upload(client, other_shop, _csv(_row()))
    assert foreign.status_code == 400
    bad_format = _upload(client, shop, _csv(_row()), date_format="iso")
    assert bad_format.status_code == 400
    assert not Order.objects.exists() and not ImportJob.objects.exists()


def test_other_shops_jobs_are_not_found(client, admin, shop, outsider, other_shop):
    client.force_login(admin)
    _upload(client, shop, _csv(_row()))
    job = ImportJob.objects.get()
    client.force_login(outsider)
    for url in (f"/orders/import/{job.pk}/", f"/orders/import/{job.pk}/errors.csv"):
        assert client.get(url).status_code in (403, 404)
    assert client.post(f"/orders/import/{job.pk}/apply/").status_code in (403, 404)
    assert not Order.objects.exists()


def test_a_large_file_waits_for_a_worker_and_shows_progress(client, admin, shop, settings):
    settings.IMPORT_INLINE_BYTES = 10  # every upload is "large"
    client.force_login(admin)
    response = _upload(client, shop, _good_and_bad(), date_format="us")
    job = ImportJob.objects.get()
    assert (job.state, job.date_format) == ("queued", "us")
    polled = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and 'hx-trigger="every 1s"' in polled.content.decode()
    from imports.tasks import import_run_task

    import_run_task(job.pk)  # what the worker does (a real one runs in the test below)
    finished = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    import_run_task(job.pk)  # a second delivery finds it done and changes nothing
    job.refresh_from_db()
    assert (job.state, job.rows_total, job.report["created"]) == ("finished", 2, 1)


def test_a_lost_worker_shows_as_stopped(client, admin, shop):
    client.force_login(admin)
    _upload(client, shop, _csv(_row()))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", started_at=timezone.now() - timedelta(hours=3)
    )
    page = client.get(f"/orders/import/{job.pk}/").content.decode()
    assert "stopped before it finished" in page
    polled = client.get(f"/orders/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"


def test_the_command_line_import_is_in_the_history(client, admin, shop, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "march.csv"
    path.write_bytes(_csv(_row()))
    call_command("import_tiktok_orders", str(path), "--shop", shop.slug)
    client.force_login(admin)
    page = client.get("/orders/import/").content.decode()
    assert "march.csv" in page and "command line" in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_imported_by_a_real_worker(client, celery_worker, admin, shop, settings):
    settings.IMPORT_INLINE_BYTES = 10
    client.force_login(admin)
    _upload(client, shop, _good_and_bad())
    job = ImportJob.objects.get()
    _wait_idle(job)
    client.post(f"/orders/import/{job.pk}/apply/", {"skip_errors": "on"})
    _wait_idle(job)
    job.refresh_from_db()
    assert (job.stage, job.state, job.report["created"]) == ("apply", "finished", 1)
    assert list(Order.objects.values_list("order_id", flat=True)) == [GOOD]


def _wait_idle(job, timeout=60):
    deadline = time.monotonic() + timeout
    while ImportJob.objects.get(pk=job.pk).busy:
        assert time.monotonic() < deadline, "the worker did not finish the import"
        time.sleep(0.05)


def test_a_file_over_the_size_limit_is_refused_everywhere(client, admin, shop, settings, tmp_path):
    """The limit is a setting (100 MB by default, about 180,000 rows); a 200 MB upload is
    refused by the form before anything is read, and the importer itself checks it too."""
    from django.core.management import CommandError, call_command

    settings.IMPORT_MAX_BYTES = 2 * 2**20  # "2 MB"
    client.force_login(admin)
    big = _csv(*[_row()] * 7000)  # about 2.4 MB
    assert len(big) > settings.IMPORT_MAX_BYTES
    response = _upload(client, shop, big)
    assert response.status_code == 400 and "larger than 2 MB" in response.content.decode()
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_tiktok_orders", str(path), "--shop", shop.slug)
    assert not Order.objects.exists() and not ImportJob.objects.exists()


def test_previews_never_applied_lose_their_upload_after_the_retention(client, admin, shop):
    from imports.tasks import import_expire_task

    client.force_login(admin)
    _upload(client, shop, _csv(_row()))
    job = ImportJob.objects.get()
    assert import_expire_task() == 0  # still fresh
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert import_expire_task() == 1
    job.refresh_from_db()
    assert job.file.name == "" and job.report["created"] == 1  # the history keeps the report
    page = client.get(f"/orders/import/{job.pk}/").content.decode()
    assert "Upload the file again" in page and f"/orders/import/{job.pk}/apply/" not in page
    assert client.post(f"/orders/import/{job.pk}/apply/").status_code == 302
    assert not Order.objects.exists()


@pytest.mark.parametrize("suffix", ["", "errors.csv"])
def test_job_pages_role_matrix(client, role_users, admin, shop, suffix):
    """Only shop administrators (the import permission) reach a job; anonymous → sign-in."""
    from accounts.roles import Role

    client.force_login(admin)
    _upload(client, shop, _good_and_bad())
    url = f"/orders/import/{ImportJob.objects.get().pk}/{suffix}"
    for role, user in role_users.items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if role == Role.ADMINISTRATOR else 403), role
        if role != Role.ADMINISTRATOR:
            apply = client.post(url.replace(suffix, "") + "apply/", {"skip_errors": "on"})
            assert apply.status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Order.objects.exists()


def test_a_remote_stored_upload_is_read_through_a_temporary_copy():
    """S3-like storage has no local path: the importer reads a temporary copy instead."""
    import io

    from imports.jobs import local_path

    class RemoteFile:
        @property
        def path(self):
            raise NotImplementedError("This backend doesn't support absolute paths.")

        def open(self, mode):
            return io.BytesIO(b"Order ID,SKU ID\n")

    with local_path(RemoteFile()) as path:
        assert path.read_bytes() == b"Order ID,SKU ID\n"
    assert not path.exists()  # the copy is gone afterwards


def test_the_error_report_name_survives_a_strange_upload_name(client, admin, shop):
    client.force_login(admin)
    _upload(client, shop, _good_and_bad(), name='März "orders"; x=1.csv')
    report = client.get(f"/orders/import/{ImportJob.objects.get().pk}/errors.csv")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment; filename*=utf-8''M%C3%A4rz")


def test_a_file_with_many_bad_rows_has_a_bounded_page_and_report(client, admin, shop, settings):
    """The first IMPORT_REPORT_ERRORS_PER_KIND problems of each kind are listed, with how many
    more of that kind there are: a file with thousands of bad cells makes a small report."""
    import json

    from tests.exports.helpers import SKU_LIST_HEADER

    settings.IMPORT_REPORT_ERRORS_PER_KIND = 5
    settings.IMPORT_INLINE_BYTES = 50 * 2**20  # in the request, to read the page at once
    extra = [f"Extra {i}" for i in range(300)]
    rows = [
        *(_row(**{"Order ID": f"5771234{i:011d}", "Quantity": f"lots{i}"}) for i in range(1500)),
        *(_row(**{"Order ID": f"5772234{i:011d}", "Order Amount": f"much{i}"}) for i in range(700)),
        _row(**{"Order ID": GOOD}),
    ]
    client.force_login(admin)
    _upload(client, shop, _csv(*rows, header=SKU_LIST_HEADER + extra))
    job = ImportJob.objects.get()
    assert (job.state, job.report["skipped"], job.report["created"]) == ("finished", 2200, 1)
    assert len(json.dumps(job.report)) < 10_000  # what the job row keeps is bounded too
    page = client.get(f"/orders/import/{job.pk}/").content.decode()
    assert "2,200 problems" in page
    assert page.count("is not a whole number of items") == 5
    assert page.count("is not an amount") == 5
    assert "… and 1,495 more rows with the same problem" in page
    assert "… and 695 more rows with the same problem" in page
    # 20 unused columns named (8 of TikTok's own, then ours), the rest counted
    assert "Extra 0, Extra 1" in page and "Extra 11 … and 288 more." in page
    assert "Extra 12" not in page
    assert len(page.encode()) < 25_000
    report = client.get(f"/orders/import/{job.pk}/errors.csv").content.decode("utf-8-sig")
    lines = report.splitlines()
    assert lines[0] == "Row,Column,Problem" and len(lines) == 1 + 5 + 1 + 5 + 1
    assert lines[1] == "3,Quantity,'lots0' is not a whole number of items"
    assert lines[6] == ',Quantity,"… and 1,495 more rows with the same problem"'
    assert lines[12] == ",Order Amount,… and 695 more rows with the same problem"


def test_a_workbook_small_on_disk_but_large_unpacked_goes_to_the_worker(
    client, admin, shop, settings
):
    """Whether a file is read in the request is judged by what reading it parses: a
    workbook's declared unpacked size, not the few bytes it takes compressed."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    rows = [_row(**{"Order ID": f"5761234{i:011d}"}) for i in range(300)]
    for row in csv_rows(_csv(*rows)):
        book.active.append(row)
    written = io.BytesIO()
    book.save(written)
    data = written.getvalue()
    unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    settings.IMPORT_INLINE_BYTES = 2 * len(data)
    assert unpacked > settings.IMPORT_INLINE_BYTES  # the legitimate workbook inflates ~10x
    client.force_login(admin)
    response = _upload(client, shop, data, name="orders.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == "queued"  # left to a worker, with its memory budget
    from imports.tasks import import_run_task

    import_run_task(job.pk)
    job.refresh_from_db()
    assert (job.state, job.report["created"]) == ("finished", 300)


def csv_rows(data: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_an_apply_refused_for_bad_rows_says_so_once_counting_problems(client, admin, shop):
    """One row with two bad cells: two problems, one row; "nothing was imported" once."""
    from imports.jobs import import_run

    client.force_login(admin)
    _upload(client, shop, _csv(_row(**{"Quantity": "lots", "Order Amount": "much"})))
    job = ImportJob.objects.get()
    assert job.report["error_count"] == 2
    ImportJob.objects.filter(pk=job.pk).update(stage="apply", state="queued", skip_errors=False)
    import_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "Nothing was imported: 2 problems in the file.")
    assert (
        "Nothing was imported: 2 problems in the file."
        in client.get(f"/orders/import/{job.pk}/").content.decode()
    )
