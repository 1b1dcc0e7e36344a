"""A local TikTok Shop Open API for the demo and the tests (docs/tiktok-simulator.md).

It serves TikTok's seller authorization page, its token endpoints, Get Authorized Shops, order
search and detail, the cancellation and return searches, the seller's answers to buyers'
requests and Cancel Order on one local port; checks every Open API call's signature, token,
shop cipher and rate limit as TikTok does; creates orders continuously and moves them
through TikTok's statuses; and POSTs signed webhooks.
"""

import time

from demo.tiktok_simulator.accounts import DEFAULT_SHOPS, Accounts
from demo.tiktok_simulator.server import Simulator, serve
from demo.tiktok_simulator.webhooks import WebhookSender
from demo.tiktok_simulator.world import World

SIMULATOR_APP_KEY = "simulator-app-key"
SIMULATOR_APP_SECRET = "simulator-app-secret"  # noqa: S105 - public, like the carrier's key
SIMULATOR_SERVICE_ID = "7000000000000000001"


def simulator_build(
    *,
    app_key: str = SIMULATOR_APP_KEY,
    app_secret: str = SIMULATOR_APP_SECRET,
    service_id: str = SIMULATOR_SERVICE_ID,
    seed: int = 0,
    speed: float = 60.0,
    orders_per_hour: float = 30.0,
    backlog: int = 0,
    backlog_days: float = 90,
    rate_limit: float = 50.0,
    webhook_url: str = "",
    redirect_url: str = "",
    shops=DEFAULT_SHOPS,
    clock=time.time,
    **accounts_options,
) -> Simulator:
    """A simulator, not yet serving (see `simulator_server`)."""
    accounts = Accounts(
        app_key=app_key,
        app_secret=app_secret,
        service_id=service_id,
        shops=shops,
        seed=seed,
        **accounts_options,
    )
    world = World(
        shops=shops,
        seed=seed,
        speed=speed,
        orders_per_hour=orders_per_hour,
        backlog=backlog,
        backlog_days=backlog_days,
        clock=clock,
    )
    sim = Simulator(
        accounts=accounts, world=world, rate_limit=rate_limit, redirect_url=redirect_url
    )
    if webhook_url:
        sim.sender = WebhookSender(webhook_url, app_key=app_key, app_secret=app_secret, speed=speed)
        world.notify = sim.sender.enqueue
    return sim


def simulator_server(*, host: str = "127.0.0.1", port: int = 0, **options):
    """(HTTP server, simulator): call `sim.start()` and `server.serve_forever()` to run it."""
    sim = simulator_build(**options)
    return serve(sim, host=host, port=port), sim
