"""Connect a demo shop to the running TikTok simulator (`python3 dev.py run` does at start)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Shop, User
from demo.tiktok_connect import SimulatorUnreachable, simulator_connect
from tiktok.exceptions import ConnectRefused
from tiktok.models import ConnectionState, TikTokConnection


class Command(BaseCommand):
    help = "Connect a demo shop to `manage.py tiktok_simulator` (local and test settings only)."

    def add_arguments(self, parser):
        parser.add_argument("--shop", default="glow-and-go-us", help="The portal shop's slug.")
        parser.add_argument("--user", default="admin@demo.test", help="Its administrator.")
        parser.add_argument(
            "--wait", type=float, default=30, help="Seconds to wait for the simulator to answer."
        )

    def handle(self, *args, shop, user, wait, **options):
        shop = Shop.objects.filter(slug=shop).first()
        person = User.objects.filter(email=user).first()
        if shop is None or person is None:
            raise CommandError("No such shop or user: run seed_demo first.")
        known = TikTokConnection.objects.filter(shop=shop).first()
        if known and known.state == ConnectionState.CONNECTED and known.tiktok_shop_id:
            self.stdout.write(f"{shop.name} is already connected to {known.tiktok_shop_name}.")
            return
        try:
            connection = simulator_connect(shop=shop, user=person, wait=wait)
        except (ConnectRefused, SimulatorUnreachable) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{shop.name} is connected to {connection.tiktok_shop_name}.")
