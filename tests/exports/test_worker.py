"""Exports through a real Celery worker on the test broker (Redis in CI): end to end from
the web request to the downloaded file, and a worker killed in the middle of a file."""

import random
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from demo.builder import build_order
from demo.seed import demo_orders_save
from exports.models import ExportJob, ExportStatus
from exports.tasks import export_recover, export_run
from orders.models import OrderLine
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.exports.helpers import as_dicts, csv_rows, make_job, xlsx_rows

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _orders(shop, count: int) -> None:
    now = timezone.now()
    rng = random.Random(7)
    demo_orders_save(
        [
            build_order(
                shop=shop,
                rng=rng,
                order_id=f"5799{i:014d}",
                created=now - timedelta(hours=i + 2),
                now=now,
            )
            for i in range(count)
        ]
    )


def _wait(job_pk: int, *, until, timeout: float = 60) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_pk)
        if until(job):
            return job
        time.sleep(0.02)
    raise AssertionError(f"export {job_pk} did not get there in {timeout}s: {job.status}")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_end_to_end_through_the_worker(
    client, celery_worker, accountant, shop, file_format, tmp_path
):
    _orders(shop, 40)
    client.force_login(accountant)
    response = client.post(
        "/exports/", {"query": "", "format": file_format, "template": "tiktok_sku_list"}
    )
    assert response.status_code == 302
    job = _wait(ExportJob.objects.get().pk, until=lambda j: not j.is_active)
    assert job.status == ExportStatus.DONE, job.error
    download = client.get(f"/exports/{job.pk}/download/")
    data = b"".join(download.streaming_content)
    if file_format == "csv":
        rows = as_dicts(csv_rows(data))
    else:
        path = tmp_path / "file.xlsx"
        path.write_bytes(data)
        rows = as_dicts(xlsx_rows(path)["Orders"])
    lines = OrderLine.objects.filter(order__shop=shop)
    assert len(rows) == job.rows_total == lines.count()
    assert {str(r["Order ID"]).strip() for r in rows} == set(
        lines.values_list("order__order_id", flat=True)
    )
    assert all("***" in r["Buyer Username"] for r in rows if r["Buyer Username"])  # masked


def test_a_worker_killed_mid_file_is_recovered(celery_worker, admin, shop, settings):
    """A worker dies (SIGKILL) while writing; the job is requeued and finished by another."""
    _orders(shop, 400)
    job = make_job(admin, [shop], status=ExportStatus.QUEUED)
    doomed = start_worker(
        queues="exports-doomed",
        name="doomed",
        env={"EXPORT_BATCH_ORDERS": "1", "EXPORT_COPY_BATCH_ORDERS": "1"},
    )
    try:
        wait_until_ready(doomed, queue="exports-doomed")
        export_run.apply_async(args=[job.pk], queue="exports-doomed")
        _wait(job.pk, until=lambda j: j.rows_done > 0)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stop_worker(doomed)
    stuck = ExportJob.objects.get(pk=job.pk)
    assert stuck.status == ExportStatus.RUNNING and 0 < stuck.rows_done < stuck.rows_total
    assert not stuck.file  # nothing half-written is published

    settings.EXPORT_HEARTBEAT_SECONDS = 0
    recovered = export_recover()
    assert (recovered["requeued"], recovered["failed"]) == (1, 0) and recovered["cleaned"] >= 1
    assert not list(Path(settings.EXPORT_TMP_DIR).glob(f"export-{job.pk}-1.part"))
    done = _wait(job.pk, until=lambda j: j.status == ExportStatus.DONE)
    assert done.attempts == 2
    assert done.rows_total == done.rows_done == OrderLine.objects.filter(order__shop=shop).count()
    assert len(csv_rows(done.file.read())) == done.rows_total + 1
