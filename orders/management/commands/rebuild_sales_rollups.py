"""manage.py rebuild_sales_rollups: compute the daily sales roll-ups again from the orders."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from accounts.exceptions import AccountsError
from accounts.models import Shop
from accounts.selectors import shop_get
from orders.services.sales_rollups import sales_rollups_rebuild

MAX_DAYS = 10 * 366


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} must be a date as YYYY-MM-DD, not “{value}”.") from None


class Command(BaseCommand):
    help = (
        "Compute the daily sales roll-ups (the insights page reads them) again from the orders: "
        "every shop's days with orders, or one shop's, or the local days --from to --to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="Only this shop (its slug).")
        parser.add_argument("--from", dest="first", help="First local day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last local day (included), YYYY-MM-DD.")

    def handle(self, *args, shop=None, first=None, last=None, **options):
        first_day, last_day = _day(first, "--from"), _day(last, "--to")
        if (first_day is None) != (last_day is None):
            raise CommandError("Give both --from and --to, or neither (every day with orders).")
        if first_day and last_day < first_day:
            raise CommandError(f"--to ({last_day}) is before --from ({first_day}).")
        if first_day and (last_day - first_day).days >= MAX_DAYS:
            raise CommandError("At most ten years at once: split the range.")
        try:
            shops = [shop_get(slug=shop)] if shop else list(Shop.objects.order_by("pk"))
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        started = time.monotonic()
        after = last_day + timedelta(days=1) if last_day else None
        days = sales_rollups_rebuild(shops=shops, first=first_day, after=after)
        self.stdout.write(
            ngettext(
                "Sales roll-ups rebuilt: %(days)s shop-day in %(seconds).1f s.",
                "Sales roll-ups rebuilt: %(days)s shop-days in %(seconds).1f s.",
                days,
            )
            % {"days": days, "seconds": time.monotonic() - started}
        )
