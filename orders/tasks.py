"""Order tasks: plain values in, one service each."""

from celery import shared_task

from orders.services.sales_rollups import sales_rollups_sweep


@shared_task(name="orders.tasks.sales_rollups_sweep")
def sales_rollups_sweep_task() -> int:
    """Recompute the sales roll-ups of days left marked (beat, every minute)."""
    return sales_rollups_sweep()
