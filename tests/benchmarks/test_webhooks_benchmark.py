"""`manage.py benchmark --parts webhooks` fans timeline entries out to a local receiver through
real workers, every delivery signed, and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _benchmark(*args: str) -> str:
    out = StringIO()
    call_command("benchmark", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # two worker processes read what it wrote
def test_the_webhook_benchmark_delivers_every_event_signed_and_cleans_up():
    from orders.models import OrderEvent
    from webhooks.models import Delivery, Endpoint

    table = _benchmark("--parts", "webhooks", "--orders", "20", "--webhook-events", "30")
    row = next(line for line in table.splitlines() if line.startswith("| webhook fan-out"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:3] == ["30", "2"]
    assert cells[-1] == "30 of 30"
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    assert not OrderEvent.objects.filter(payload__bench=1).exists()  # its timeline entries


@pytest.mark.django_db
def test_the_webhook_benchmark_refuses_no_events():
    with pytest.raises(CommandError, match="--webhook-events must be positive"):
        _benchmark("--parts", "webhooks", "--orders", "20", "--webhook-events", "0")
