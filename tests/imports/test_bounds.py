"""Hostile uploads: zip bombs of each kind, a zip directory that lies, absurd
widths, rows and cells. Each is generated here, small on disk, and must be refused with a
message naming the bound, quickly, leaving no order, no job to apply and no stored upload."""

import io
import random
import string
import time
import zipfile
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import TestCase

from benchmarks import workbooks as x
from imports.models import ImportJob
from imports.services import UnreadableFile, import_tiktok_file
from orders.models import Order
from tests.imports.tiktok_files import sku_csv as _csv
from tests.imports.tiktok_files import sku_row as _row

pytestmark = pytest.mark.django_db
QUICK = 5  # seconds: every bound trips long before a bomb could cost memory or time


def _xlsx(sheet, strings=None) -> bytes:
    out = io.BytesIO()
    x.workbook(out, sheet, strings)
    return out.getvalue()


def _uploads() -> set[str]:
    folder = settings.MEDIA_ROOT / "imports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _refused(client, admin, shop, data: bytes, name: str = "orders.xlsx") -> str:
    """Upload `data` through the import page and return the refusal: the form's, or the
    failed job's once its preview ran (in the request for a small file, by the worker's
    task for a large one). Asserts that nothing was kept and that it took no time."""
    from imports.tasks import import_run_task

    client.force_login(admin)
    before = _uploads()
    started = time.monotonic()
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    # A failed job's upload is deleted once its outcome commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/orders/import/", {"shop": shop.slug, "file": upload})
        if response.status_code == 302:
            job = ImportJob.objects.get()
            if job.state == ImportJob.State.QUEUED:
                import_run_task(job.pk)  # what the worker does
    if response.status_code == 302:
        job.refresh_from_db()
        assert (job.state, job.file.name) == ("failed", ""), job.state
        message = job.error
        job.delete()
    else:
        assert response.status_code == 400, response.status_code
        assert not ImportJob.objects.exists()
        message = response.content.decode()
    assert time.monotonic() - started < QUICK
    assert not Order.objects.exists()
    assert _uploads() == before
    return message


def _noise(size: int, seed: int = 0) -> str:
    """Text that does not compress (so only the bound under test can trip)."""
    rnd = random.Random(seed)
    return "".join(rnd.choices(string.ascii_letters, k=size))


def test_a_sheet_bomb_without_dimension_is_refused_from_the_zip_directory(client, admin, shop):
    bomb = _xlsx(x.sheet_bomb(50_000))  # ~100 KB that inflates 100 times and more
    assert len(bomb) < 200_000
    assert "compressed more than 100 times (xl/worksheets/sheet1.xml)" in _refused(
        client, admin, shop, bomb
    )


def test_a_wide_row_bomb_is_refused(client, admin, shop):
    bomb = _xlsx(x.wide_row_bomb(300_000))
    assert "compressed more than 100 times" in _refused(client, admin, shop, bomb)
    # Wide but not compressed enough to look like a bomb: the columns bound trips instead.
    wide = _xlsx(x.wide_row_bomb(20_000, b"<c><v>1</v></c>"))
    assert "more than 16,384 columns (row 1)" in _refused(client, admin, shop, wide)


def test_a_row_larger_than_the_bound_is_refused_while_it_streams(client, admin, shop):
    cells = [x.text_cell(_noise(30_000, seed)) for seed in range(40)]  # 1.2 MB, one row
    sheet = x.sheet_xml([x.header_row(), x.order_row(1) + cells])
    assert "Row 2 of the file is larger than 1 MB" in _refused(client, admin, shop, _xlsx(sheet))


def test_a_shared_strings_bomb_is_refused(client, admin, shop, settings):
    count = 300_000
    bomb = _xlsx(x.strings_sheet(count), x.shared_strings("a" for _ in range(count)))
    assert "compressed more than 100 times (xl/sharedStrings.xml)" in _refused(
        client, admin, shop, bomb
    )
    settings.IMPORT_MAX_SHARED_STRINGS = 1000  # the count, for strings that do not compress
    many = _xlsx(x.strings_sheet(5000), x.shared_strings(_noise(8, n) for n in range(5000)))
    assert "more than 1,000 shared strings" in _refused(client, admin, shop, many)
    settings.IMPORT_MAX_SHARED_STRINGS, settings.IMPORT_MAX_SHARED_STRINGS_BYTES = 10**6, 20_000
    assert "shared strings take more than" in _refused(client, admin, shop, many)


def test_a_zip_directory_that_lies_about_sizes_is_refused(client, admin, shop):
    inflates = _xlsx(x.sheet_bomb(50_000))
    understated = x.lie_about_size(inflates, x.SHEET, 2000)  # passes the directory check…
    assert "damaged: its contents do not match its sizes" in _refused(
        client,
        admin,
        shop,
        understated,  # …and reading stops at the size it declared
    )
    overstated = x.lie_about_size(_xlsx(x.sheet_bomb(10)), x.SHEET, 3 * 2**30)
    assert "unpacks to more than 2,048 MB" in _refused(client, admin, shop, overstated)


def test_a_workbook_of_absurdly_many_parts_is_refused(client, admin, shop):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(1500):
            archive.writestr(f"xl/part{n}.xml", b"")
    assert "more than 1,000 parts" in _refused(client, admin, shop, out.getvalue())


def test_xml_entity_declarations_are_refused(client, admin, shop):
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    sheet = [laughs, *x.sheet_xml([x.header_row(), x.order_row(1)])]
    assert "declares XML entities" in _refused(client, admin, shop, _xlsx(sheet))


def test_a_csv_with_a_million_columns_is_refused_at_the_header(client, admin, shop):
    header = ",".join(x.HEADER) + ",x" * 1_000_000
    data = f"{header}\n576000000000000001,Shipped,1,Hoop,1,,9.99\n".encode()
    assert len(data) > 2_000_000
    assert "more than 16,384 columns (row 1)" in _refused(client, admin, shop, data, "o.csv")


def test_over_long_cells_are_refused_in_csv_and_xlsx(client, admin, shop):
    data = _csv(_row(**{"Buyer Message": "x" * 40_000}))
    page = _refused(client, admin, shop, data, "orders.csv")
    assert "A cell in row 3 is longer than 32,767 characters" in page
    sheet = x.sheet_xml([x.header_row(), x.order_row(1) + [x.text_cell(_noise(40_000))]])
    assert "longer than 32,767 characters" in _refused(client, admin, shop, _xlsx(sheet))


def test_rows_beyond_the_bound_are_refused(client, admin, shop, settings):
    settings.IMPORT_MAX_ROWS = 5
    page = _refused(client, admin, shop, _csv(*[_row()] * 10), "orders.csv")
    assert "more than 5 rows" in page


def test_the_workbook_is_opened_once_per_stage(us_shop):
    """Header check, counting pass and reading pass share one read of the sheet."""
    out = io.BytesIO()
    x.tiktok_like(out, 30, shared=True)
    opened = []
    real_open = zipfile.ZipFile.open

    def counting_open(archive, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(archive, name, *args, **kwargs)

    with mock.patch.object(zipfile.ZipFile, "open", counting_open):
        report = import_tiktok_file(shop=us_shop, source=out.getvalue(), name="o.xlsx")
    assert report.rows == 30 and report.created > 0
    assert opened.count(x.SHEET) == 1 and opened.count(x.STRINGS) == 1


@pytest.fixture
def us_shop():
    from tests.accounts.factories import ShopFactory

    return ShopFactory(slug="us-bounds", market="US", timezone="America/Los_Angeles")


def test_a_large_upload_is_only_checked_cheaply_and_its_header_read_by_the_worker(
    client, admin, shop, settings
):
    from imports.tasks import import_run_task

    settings.IMPORT_INLINE_BYTES = 10  # every upload is "large"
    client.force_login(admin)
    wide = _xlsx(x.wide_row_bomb(20_000, b"<c><v>1</v></c>"))
    upload = SimpleUploadedFile("wide.xlsx", wide)
    response = client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == "queued" and job.file
    import_run_task(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.state == "failed" and "more than 16,384 columns" in job.error
    assert job.file.name == "" and not Order.objects.exists()


def test_an_upload_whose_job_cannot_be_saved_leaves_no_file(client, admin, shop):
    client.force_login(admin)
    before = _uploads()
    upload = SimpleUploadedFile("orders.csv", _csv(_row()))
    with (
        mock.patch.object(ImportJob, "save", side_effect=DatabaseError("connection lost")),
        pytest.raises(DatabaseError),
    ):
        client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    assert _uploads() == before and not ImportJob.objects.exists()


def test_reading_bounds_hold_outside_the_portal_too(us_shop):
    with pytest.raises(UnreadableFile, match="compressed more than"):
        import_tiktok_file(shop=us_shop, source=_xlsx(x.sheet_bomb(50_000)), name="b.xlsx")


def _queue(client, admin, shop, data: bytes, name: str) -> ImportJob:
    client.force_login(admin)
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    assert response.status_code == 302, response.content.decode()[-500:]
    return ImportJob.objects.get(file_name=name)


def _failed(job: ImportJob, timeout: float = 30) -> ImportJob:
    """The job once the worker is done with it, which must be a failure with no upload."""
    deadline = time.monotonic() + timeout
    while ImportJob.objects.get(pk=job.pk).busy:
        assert time.monotonic() < deadline, "the worker is still reading the file"
        time.sleep(0.05)
    job.refresh_from_db()
    assert (job.state, job.file.name) == ("failed", "")
    return job


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_refuses_hostile_files_that_pass_the_form(
    client, celery_worker, admin, shop, settings
):
    """Above IMPORT_INLINE_BYTES the form checks only the zip directory: a wide header and a
    directory that understates its sizes reach the worker, whose preview refuses them."""
    settings.IMPORT_INLINE_BYTES = 10
    before = _uploads()
    wide = _queue(client, admin, shop, _xlsx(x.wide_row_bomb(20_000, b"<c><v>1</v></c>")), "w.xlsx")
    lying = x.lie_about_size(_xlsx(x.sheet_bomb(50_000)), x.SHEET, 2000)
    lied = _queue(client, admin, shop, lying, "l.xlsx")
    assert "more than 16,384 columns (row 1)" in _failed(wide).error
    assert "damaged: its contents do not match its sizes" in _failed(lied).error
    assert not Order.objects.exists() and _uploads() == before


BUDGET_QUEUE = "import-budget"


@pytest.fixture
def budget_worker(django_db_setup, django_db_blocker):
    """A real worker with a tiny memory budget (16 MB more address space) and no time at all
    for reading: what a bomb that slipped past the reading bounds would meet. It has a queue
    of its own (the session's worker would take jobs sent to the default one)."""
    from tests.celery_worker import start_worker, stop_worker, wait_until_ready

    env = {"IMPORT_MEMORY_BUDGET_BYTES": str(16 * 2**20), "IMPORT_TIME_LIMIT_SECONDS": "0"}
    process = start_worker(queues=BUDGET_QUEUE, name="budget", env=env)
    try:
        wait_until_ready(process, queue=BUDGET_QUEUE)
        yield process
    finally:
        stop_worker(process)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_import_task_keeps_a_memory_and_a_time_budget(budget_worker, shop):
    """Within every reading bound but past the worker's budgets: the job fails with the
    reason (never stays "running"), its upload is deleted, and the worker lives on."""
    from django.core.files.base import ContentFile

    from imports.tasks import import_run_task
    from tests.celery_worker import wait_until_ready

    def queued(data: bytes, name: str) -> ImportJob:
        job = ImportJob.objects.create(
            shop=shop, file=ContentFile(data, name), file_name=name, file_size=len(data)
        )
        import_run_task.apply_async((job.pk,), queue=BUDGET_QUEUE)
        return job

    before = _uploads()
    count = 1_000_000  # distinct (no bomb's ratio, no shared memory): ~100 MB to hold
    heavy = _xlsx(x.strings_sheet(count), x.shared_strings(f"{n:08x}" for n in range(count)))
    memory = _failed(queued(heavy, "heavy.xlsx"))
    assert "took more memory than an import may use" in memory.error
    slow = _failed(queued(_csv(*[_row()] * 1200), "slow.csv"))
    assert "took longer than its time budget (0 s)" in slow.error
    assert not Order.objects.exists() and _uploads() == before
    wait_until_ready(budget_worker, queue=BUDGET_QUEUE)  # the job failed, not the worker


def test_an_upload_left_without_its_job_is_deleted_by_the_hourly_task(client, admin, shop):
    """A request killed between storing the file and committing its job leaves the file:
    the hourly task deletes it after an hour, and keeps every file a job still needs."""
    import os

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from imports.tasks import import_expire_task

    client.force_login(admin)
    client.post(
        "/orders/import/", {"shop": shop.slug, "file": SimpleUploadedFile("o.csv", _csv(_row()))}
    )
    kept = ImportJob.objects.get().file.name  # a previewed job's upload, still needed
    orphan = default_storage.save("imports/upload.csv", ContentFile(_csv(_row())))
    fresh = default_storage.save("imports/upload.csv", ContentFile(_csv(_row())))
    hour_ago = time.time() - 3700
    os.utime(default_storage.path(orphan), (hour_ago, hour_ago))
    os.utime(default_storage.path(kept), (hour_ago, hour_ago))
    import_expire_task()
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept) and default_storage.exists(fresh)  # fresh: on its way
    default_storage.delete(fresh)


def test_the_soft_time_limit_fails_the_job_with_its_reason(client, admin, shop, settings):
    """Celery's soft limit (prefork workers) interrupts wherever the import is: the job ends
    "failed" with the reason, not "running" nor "an internal error", and its upload goes."""
    from celery.exceptions import SoftTimeLimitExceeded

    from imports.tasks import import_run_task

    settings.IMPORT_INLINE_BYTES = 10
    client.force_login(admin)
    upload = SimpleUploadedFile("orders.csv", _csv(_row()))
    client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get()
    with mock.patch("imports.jobs.import_tiktok_file", side_effect=SoftTimeLimitExceeded):
        import_run_task(job.pk)
    job.refresh_from_db()
    assert (job.state, job.file.name) == ("failed", "")
    assert job.error == "Nothing was imported: the import took longer than an import may take."
