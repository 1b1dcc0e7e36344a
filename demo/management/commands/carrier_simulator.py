from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.carrier_simulator import simulator_server


class Command(BaseCommand):
    help = (
        "Run the simulated carrier: an HTTP service speaking 17TRACK's API v2.2 whose parcels "
        "advance over time (the demo's and the tests' tracking provider)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--speed", type=float, default=60.0, help="Simulated hours per real hour."
        )
        parser.add_argument(
            "--rate-limit",
            type=float,
            default=getattr(settings, "TRACKING_SIMULATOR_RATE", 0.0),
            help="Calls per second (TRACKING_SIMULATOR_RATE); 0: unlimited.",
        )
        parser.add_argument("--once", action="store_true", help="Answer one request, then stop.")

    def handle(self, *args, host, port, speed, rate_limit, once, **options):
        if not settings.TRACKING_SIMULATOR_ENABLED:
            raise CommandError(
                "The simulated carrier runs only with the local or test settings, not here."
            )
        if not 0 <= port <= 65535:
            raise CommandError("--port must be between 0 and 65535.")
        if speed <= 0 or rate_limit < 0:
            raise CommandError("--speed must be positive and --rate-limit not negative.")
        try:
            server, _ = simulator_server(
                host=host,
                port=port,
                api_key=settings.TRACKING_SIMULATOR_KEY,
                speed=speed,
                rate_limit=rate_limit,
            )
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
        bound_host, bound_port = server.server_address[:2]
        self.stdout.write(
            f"Simulated carrier on http://{bound_host}:{bound_port}/track/v2.2 "
            f"(speed ×{speed:g}, {rate_limit:g} calls/s); Ctrl-C stops it."
        )
        try:
            if once:
                server.handle_request()
            else:
                server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
