import io
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from accounts.csvsafe import csv_write
from accounts.exceptions import AccountsError
from accounts.models import Shop
from accounts.selectors import (
    ACCESS_REVIEW_CSV_HEADER,
    access_review_rows,
    access_review_summary,
    shop_get,
)

TABLE_HEADER = ("SHOP", "EMAIL", "NAME", "ROLE", "LAST LOGIN", "LAST ACTIVITY", "2FA", "FLAGS")


class Command(BaseCommand):
    help = (
        "Every member of every shop (or one) with role, last login, 2FA and last activity; "
        "flags members inactive for 90 days, invitees not signed in yet and missing two-factor "
        "a shop requires."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="Only this shop (its slug).")
        parser.add_argument(
            "--csv", action="store_true", dest="as_csv", help="CSV with a header row."
        )

    def handle(self, *args, shop, as_csv, **options):
        try:
            shops = [shop_get(slug=shop)] if shop else Shop.objects.all()
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        rows = access_review_rows(shops=shops)

        if as_csv:
            out = io.StringIO()
            csv_write(out, header=ACCESS_REVIEW_CSV_HEADER, rows=(r.csv_cells() for r in rows))
            self.stdout.write(out.getvalue(), ending="")
            return

        table = [TABLE_HEADER] + [
            (
                row.shop.slug,
                row.email,
                row.full_name or "-",
                row.role,
                _local(row.last_login, row.shop),
                _local(row.last_activity, row.shop),
                "yes" if row.two_factor else "no",
                ", ".join(row.flags),
            )
            for row in rows
        ]
        widths = [max(len(line[i]) for line in table) for i in range(len(TABLE_HEADER))]
        for line in table:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            )
        summary = access_review_summary(rows=rows)
        members = ngettext("%(n)s membership", "%(n)s memberships", summary.members)
        self.stdout.write(
            f"{members % {'n': summary.members}}; {summary.inactive} inactive 90+ days; "
            f"{summary.invited} invited, not signed in yet; "
            f"{summary.missing_required_2fa} without the 2FA their shop requires. "
            "Times are in each shop's time zone."
        )


def _local(moment: datetime | None, shop: Shop) -> str:
    return moment.astimezone(shop.zone).strftime("%Y-%m-%d %H:%M") if moment else "never"
