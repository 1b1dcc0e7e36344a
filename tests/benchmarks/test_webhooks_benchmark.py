"""`manage.py benchmark --parts webhooks` fans timeline entries out to a local receiver through
real workers, every delivery signed, and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _benchmark(*args: str) -> str:
    out = StringIO()
    call_command("benchmark", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.django_db(transaction=True)  # two worker processes read what it wrote
def test_the_webhook_benchmark_delivers_every_event_signed_and_cleans_up():
    from orders.models import OrderEvent
    from webhooks.models import Delivery, Endpoint

    table = _benchmark("--parts", "webhooks", "--orders", "20", "--webhook-events", "30")
    lines = table.splitlines()
    header = next(line for line in lines if line.startswith("| case | events"))
    row = next(line for line in lines if line.startswith("| webhook fan-out"))
    cells = dict(zip(_cells(header), _cells(row), strict=True))
    assert (cells["events"], cells["workers"]) == ("30", "2")
    assert cells["signatures ok"] == "30 of 30"
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    assert not OrderEvent.objects.filter(payload__bench=1).exists()  # its timeline entries


@pytest.mark.django_db
def test_the_webhook_benchmark_refuses_no_events():
    with pytest.raises(CommandError, match="--webhook-events must be positive"):
        _benchmark("--parts", "webhooks", "--orders", "20", "--webhook-events", "0")
