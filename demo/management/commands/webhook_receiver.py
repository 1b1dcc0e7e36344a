from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from accounts.models import Shop, User
from demo.webhook_receiver import WebhookReceiver
from webhooks.models import Endpoint
from webhooks.services.endpoints import SUBSCRIBABLE, endpoint_create


class Command(BaseCommand):
    help = (
        "Run a local receiver of the portal's webhooks: it checks each signature and prints "
        "what came; the path chooses its answer (/ok, /500, /redirect, /hang, /slow). With "
        "--demo it registers itself as an endpoint of the demo shop and signs with its secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8790)
        parser.add_argument("--secret", default="", help="The endpoint's signing secret.")
        parser.add_argument(
            "--demo", action="store_true", help="Register as an endpoint of --shop, every event."
        )
        parser.add_argument("--shop", default="glow-and-go-us", help="The demo shop's slug.")
        parser.add_argument("--user", default="admin@demo.test", help="Its administrator.")

    def handle(self, *args, host, port, secret, demo, shop, user, **options):
        if not 0 <= port <= 65535:
            raise CommandError("--port must be between 0 and 65535.")

        def show(row):
            state = "signature ok" if row.verified else "SIGNATURE NOT VALID"
            self.stdout.write(f"{row.path} {row.event_id} → {row.answered} ({state})")

        try:
            server = WebhookReceiver((host, port), on_receive=show)
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from None
        server.state.secrets["*"] = secret
        if demo:
            self._register(server, shop, user)
        self.stdout.write(f"Receiving webhooks on {server.base_url}/ok (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def _register(self, server, slug: str, email: str) -> None:
        """The demo shop's endpoint on this receiver (made once), whose current secret (it may
        be rotated on its page) checks every request."""
        url = f"{server.base_url}/ok"
        shop, person = (
            Shop.objects.filter(slug=slug).first(),
            User.objects.filter(email=email).first(),
        )
        if shop is None or person is None:
            raise CommandError("No such shop or user: run seed_demo first.")
        if not Endpoint.objects.filter(shop=shop, url=url).exists():
            endpoint_create(
                user=person,
                shop=shop,
                url=url,
                events=list(SUBSCRIBABLE),
                include_buyer_contact=False,
            )
            self.stdout.write(f"Registered {url} as a webhook endpoint of {shop.name}.")

        def lookup(path: str) -> str:
            close_old_connections()
            found = Endpoint.objects.filter(url=f"{server.base_url}{path}").values_list(
                "secret", flat=True
            )
            return found.first() or ""

        server.state.secret_lookup = lookup
