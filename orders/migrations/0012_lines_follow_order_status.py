"""Existing lines and packages take the status their order implies (see
docs/decisions.md). The rules as they stood when this ran, frozen here as migrations are:
set-based, one UPDATE per order status and vocabulary, forward only."""

from django.db import migrations

LINE_PROGRESS = [
    "UNPAID",
    "AWAITING_SHIPMENT",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
]
PACKAGE_PROGRESS = ["TO_FULFILL", "PROCESSING", "FULFILLING", "COMPLETED"]
LINE_FOR = {
    "UNPAID": "UNPAID",
    "ON_HOLD": "AWAITING_SHIPMENT",
    "AWAITING_SHIPMENT": "AWAITING_SHIPMENT",
    "AWAITING_COLLECTION": "AWAITING_COLLECTION",
    "IN_TRANSIT": "IN_TRANSIT",
    "DELIVERED": "DELIVERED",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}
PACKAGE_FOR = {
    "AWAITING_COLLECTION": "PROCESSING",
    "IN_TRANSIT": "FULFILLING",
    "DELIVERED": "COMPLETED",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}


def _kept(progress: list[str], target: str, delivered: str) -> list[str]:
    start = progress.index(delivered if target == "CANCELLED" else target)
    return ["CANCELLED", *progress[start:]]


def forwards(apps, schema_editor):
    line_model = apps.get_model("orders", "OrderLine")
    package_model = apps.get_model("orders", "Package")
    for status, target in LINE_FOR.items():
        line_model.objects.filter(order__status=status).exclude(
            display_status__in=_kept(LINE_PROGRESS, target, "DELIVERED")
        ).update(display_status=target)
    for status, target in PACKAGE_FOR.items():
        package_model.objects.filter(order__status=status).exclude(
            package_status__in=_kept(PACKAGE_PROGRESS, target, "COMPLETED")
        ).update(package_status=target)


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_filter_value_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
