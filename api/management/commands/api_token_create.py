from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import AccountsError
from accounts.selectors import shop_get, user_get_by_email
from api.exceptions import TokenError
from api.scopes import Scope, scopes_parse
from api.services import MAX_EXPIRY_DAYS, token_create


class Command(BaseCommand):
    help = (
        "Make an API token for a person in one or more of their shops and print it once "
        "(docs/api.md). It never does more than the person's role allows in each shop."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The owner's email address.")
        parser.add_argument(
            "--shop", required=True, help="A shop's slug; several separated by commas."
        )
        parser.add_argument(
            "--scopes", required=True, help=f"Comma-separated, among {', '.join(Scope.values)}."
        )
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help=f"Days until it expires (1–{MAX_EXPIRY_DAYS}; default: it does not expire).",
        )
        parser.add_argument("--name", default="Made by api_token_create", help="Its name.")

    def handle(self, *args, user, shop, scopes, expires_days, name, **options):
        try:
            owner = user_get_by_email(email=user)
            shops = [shop_get(slug=slug.strip()) for slug in shop.split(",") if slug.strip()]
            created = token_create(
                owner=owner,
                name=name,
                shops=shops,
                scopes=scopes_parse(scopes),
                expires_days=expires_days,
            )
        except (AccountsError, TokenError, ValueError) as error:
            raise CommandError(str(error)) from None
        token = created.token
        until = f"until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry"
        self.stderr.write(
            f"Token “{token.name}” for {owner.email} in {', '.join(s.slug for s in shops)} "
            f"({', '.join(token.scopes)}; {until}). It is shown once:"
        )
        self.stdout.write(created.secret)
