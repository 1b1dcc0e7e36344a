from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import AccountsError
from accounts.services import shop_create


class Command(BaseCommand):
    help = "Create a shop. It has no members yet: give people roles with member_add."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="Short name in URLs, e.g. north-shop.")
        parser.add_argument("--name", required=True, help="Display name, e.g. 'North Shop'.")
        parser.add_argument(
            "--timezone", required=True, help="IANA time zone, e.g. America/Los_Angeles."
        )
        parser.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD.")
        parser.add_argument("--market", required=True, help="ISO 3166-1 alpha-2 code, e.g. US.")

    def handle(self, *args, slug, name, timezone, currency, market, **options):
        try:
            shop = shop_create(
                slug=slug, name=name, timezone=timezone, currency=currency, market=market
            )
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created shop {shop.slug} ({shop.name}): market {shop.market}, "
                f"currency {shop.currency}, time zone {shop.timezone}."
            )
        )
