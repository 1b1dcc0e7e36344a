from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import AccountsError, NotAMember
from accounts.selectors import shop_get, user_get_by_email
from accounts.services import membership_revoke


class Command(BaseCommand):
    help = "Take a person's role and every permission in a shop away. Their account stays."

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--email", required=True, help="The member's email address.")

    def handle(self, *args, shop, email, **options):
        try:
            target_shop = shop_get(slug=shop)
            user = user_get_by_email(email=email)
            if not membership_revoke(shop=target_shop, user=user, actor=None):
                raise NotAMember(user.email, target_shop.slug)
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Removed {user.email} from {target_shop.slug}."))
