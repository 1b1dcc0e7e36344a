from django.core.management.base import BaseCommand, CommandError

from demo.tiktok_simulator import (
    SIMULATOR_APP_KEY,
    SIMULATOR_APP_SECRET,
    SIMULATOR_SERVICE_ID,
    simulator_server,
)
from demo.tiktok_simulator import constants as c


class Command(BaseCommand):
    help = (
        "Run the simulated TikTok Shop: authorization page, tokens, authorized shops, order "
        "search and detail with TikTok's signing and rate limit, orders that arrive and move "
        "on by themselves, and signed webhooks (docs/tiktok-simulator.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument(
            "--speed", type=float, default=60.0, help="Simulated seconds per real second."
        )
        parser.add_argument(
            "--rate-limit",
            type=float,
            default=c.RATE_LIMIT_DEFAULT,
            help="Calls per second per app, shop and endpoint; 0: unlimited.",
        )
        parser.add_argument("--webhook-url", default="", help="Where to POST notifications.")
        parser.add_argument(
            "--redirect-url",
            default="",
            help="The app's registered redirect URL (else the page's redirect_uri parameter).",
        )
        parser.add_argument("--app-key", default=SIMULATOR_APP_KEY)
        parser.add_argument("--app-secret", default=SIMULATOR_APP_SECRET)
        parser.add_argument("--service-id", default=SIMULATOR_SERVICE_ID)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--orders-per-hour",
            type=float,
            default=30.0,
            help="New orders per simulated hour, all shops together.",
        )
        parser.add_argument(
            "--backlog", type=int, default=200, help="Orders already placed before the start."
        )
        parser.add_argument("--backlog-days", type=float, default=90.0)
        parser.add_argument(
            "--access-token-ttl",
            type=int,
            default=c.ACCESS_TOKEN_TTL,
            help="Seconds an access token lives (TikTok: 7 days).",
        )

    def handle(self, *args, **options):
        if not 0 <= options["port"] <= 65535:
            raise CommandError("--port must be between 0 and 65535.")
        if options["speed"] <= 0 or options["rate_limit"] < 0 or options["orders_per_hour"] < 0:
            raise CommandError(
                "--speed must be positive, --rate-limit and --orders-per-hour not negative."
            )
        if (
            options["backlog"] < 0
            or options["backlog_days"] <= 0
            or options["access_token_ttl"] <= 0
        ):
            raise CommandError("--backlog, --backlog-days and --access-token-ttl must be positive.")
        host, port = options["host"], options["port"]
        try:
            server, sim = simulator_server(
                host=host,
                port=port,
                app_key=options["app_key"],
                app_secret=options["app_secret"],
                service_id=options["service_id"],
                seed=options["seed"],
                speed=options["speed"],
                orders_per_hour=options["orders_per_hour"],
                backlog=options["backlog"],
                backlog_days=options["backlog_days"],
                rate_limit=options["rate_limit"],
                webhook_url=options["webhook_url"],
                redirect_url=options["redirect_url"],
                access_ttl=options["access_token_ttl"],
            )
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
        bound_host, bound_port = server.server_address[:2]
        base = f"http://{bound_host}:{bound_port}"
        webhooks = options["webhook_url"] or "nowhere (no --webhook-url)"
        self.stdout.write(
            f"Simulated TikTok Shop on {base} (speed ×{options['speed']:g}, "
            f"{options['rate_limit']:g} calls/s, {len(sim.world.orders)} orders so far).\n"
            f"  Authorize: {base}{c.AUTHORIZE_PATH}?service_id={options['service_id']}&state=…\n"
            f"  App key {options['app_key']}; webhooks to {webhooks}. Ctrl-C stops it."
        )
        sim.start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sim.stop()
            server.server_close()
