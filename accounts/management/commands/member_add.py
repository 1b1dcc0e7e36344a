from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import AccountsError
from accounts.invitations import duration_words
from accounts.roles import Role
from accounts.selectors import shop_get
from accounts.services import membership_add, password_set_link


class Command(BaseCommand):
    help = (
        "Give a person a role in a shop, creating their account when the email is new and "
        "printing a link where they choose a password. Changes the role of an existing member."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--email", required=True, help="The person's email address.")
        parser.add_argument(
            "--role",
            default=Role.VIEWER.value,
            help=f"One of {', '.join(Role.values)} (default {Role.VIEWER.value}).",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Start of the password link (default: the SITE_URL setting).",
        )

    def handle(self, *args, shop, email, role, base_url, **options):
        base_url = base_url or settings.SITE_URL
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError(
                f"--base-url must look like https://sellers.example.com; got {base_url!r}."
            )
        try:
            added = membership_add(shop=shop_get(slug=shop), email=email, role=role, actor=None)
        except AccountsError as exc:
            raise CommandError(str(exc)) from None

        membership = added.membership
        user, where, label = membership.user, membership.shop.slug, Role(role).label
        if added.previous_role is None:
            self.stdout.write(self.style.SUCCESS(f"Added {user.email} to {where} as {label}."))
        elif added.previous_role == role:
            self.stdout.write(f"{user.email} already is {label} in {where}; nothing changed.")
        else:
            before = Role(added.previous_role).label
            self.stdout.write(
                self.style.SUCCESS(
                    f"Changed {user.email}'s role in {where} from {before} to {label}."
                )
            )
        if added.user_created or not user.has_usable_password():
            why = "New account" if added.user_created else "No password chosen yet"
            self.stdout.write(
                f"{why}: send {user.email} this link to choose a password "
                f"(valid {duration_words(settings.PASSWORD_RESET_TIMEOUT)}):"
            )
            self.stdout.write(password_set_link(user=user, base_url=base_url))
