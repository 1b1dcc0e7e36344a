from django.core.management.base import BaseCommand, CommandError

from demo.webhook_receiver import WebhookReceiver


class Command(BaseCommand):
    help = (
        "Run a local receiver of the portal's webhooks: it checks each signature with "
        "--secret and prints what came; the path chooses its answer (/ok, /500, /redirect, "
        "/hang, /slow)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8790)
        parser.add_argument("--secret", default="", help="The endpoint's signing secret.")

    def handle(self, *args, host, port, secret, **options):
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
        self.stdout.write(f"Receiving webhooks on {server.base_url}/ok (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
