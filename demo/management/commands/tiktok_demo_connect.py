"""Connect a demo shop to the running TikTok simulator, the way its administrator would on the
shop's TikTok Shop page: the authorization page, the callback, the TikTok shop chosen."""

import time
from urllib.parse import parse_qs, urlsplit

import requests
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Shop, User
from tiktok.exceptions import ConnectRefused
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services.linking import (
    connection_authorize_url,
    connection_authorized_shops,
    connection_callback,
    connection_shop_link,
)


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
        link = connection_authorize_url(shop=shop, user=person)
        code, state = self._authorize(link, wait)
        try:
            outcome = connection_callback(user=person, state=state, code=code)
            if not outcome.linked:
                authorized = connection_authorized_shops(connection=outcome.connection)
                mine = [s for s in authorized if s.region == shop.market] or authorized
                connection_shop_link(
                    connection=outcome.connection, tiktok_shop=mine[0], actor=person
                )
        except ConnectRefused as refused:
            raise CommandError(f"TikTok refused: {refused}") from None
        connection = TikTokConnection.objects.get(shop=shop)
        self.stdout.write(f"{shop.name} is connected to {connection.tiktok_shop_name}.")

    def _authorize(self, link: str, wait: float) -> tuple[str, str]:
        """Press "Authorize" on the simulator's page; the code and state of its redirect."""
        page = urlsplit(link)
        query = {key: values[0] for key, values in parse_qs(page.query).items()}
        url = f"{page.scheme}://{page.netloc}{page.path}"
        deadline = time.monotonic() + wait
        while True:
            try:
                answer = requests.post(
                    url, data={**query, "decision": "authorize"}, allow_redirects=False, timeout=5
                )
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise CommandError(f"The TikTok simulator does not answer at {url}.") from None
                time.sleep(0.5)
        back = parse_qs(urlsplit(answer.headers.get("Location", "")).query)
        if answer.status_code != 302 or not back.get("code"):
            raise CommandError(f"The simulator's authorization page answered {answer.status_code}.")
        return back["code"][0], back.get("state", [query.get("state", "")])[0]
