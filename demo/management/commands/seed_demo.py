from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from demo.seed import DEMO_PASSWORD, DEMO_USERS, demo_seed
from orders.models import Order


class Command(BaseCommand):
    help = "Create the demo shops, a member of every role and realistic orders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders", type=int, default=5000, help="Total demo orders to have (default 5000)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Add orders only when the database has none yet.",
        )

    def handle(self, *args, orders: int, seed: int, if_empty: bool, **options):
        if orders < 0:
            raise CommandError("--orders must be zero or more")
        if if_empty and Order.objects.exists():
            orders = 0  # keep the shops and logins in place, add no orders
        report = demo_seed(
            orders=orders,
            seed=seed,
            progress=lambda done: self.stdout.write(f"  … {done} orders", ending="\r"),
        )
        self.stdout.write("")
        total = report.orders_before + report.orders_created
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {report.shops} shop{pluralize(report.shops)}, "
                f"{report.users} user{pluralize(report.users)}, {total} order{pluralize(total)} "
                f"({report.orders_created} new)."
            )
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for email, _name, roles, superuser in DEMO_USERS:
                what = (
                    "Django superuser"
                    if superuser
                    else ", ".join(f"{role.label} in {slug}" for slug, role in roles.items())
                )
                self.stdout.write(f"  {email:<24} {what}")
