from django.core.management.base import BaseCommand

from demo.finance_seed import finance_seed


class Command(BaseCommand):
    help = (
        "Replace every shop's finance data with TikTok's settlement of its delivered orders "
        "(statements, transactions with their components, payments); the orders are not "
        "changed. For the demo and the finance benchmark."
    )

    def handle(self, *args, **options):
        counts = finance_seed()
        self.stdout.write(
            self.style.SUCCESS(
                "Finance data: {statements:,} statements, {transactions:,} transactions, "
                "{components:,} components, {payments:,} payments.".format(**counts)
            )
        )
