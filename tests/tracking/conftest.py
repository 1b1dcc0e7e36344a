import threading

import pytest

from demo.carrier_simulator import simulator_server
from tests.tracking.fake_aftership import FakeAfterShip
from tests.tracking.helpers import KEY, START, Clock
from tracking.carriers.seventeen_track import SeventeenTrack


@pytest.fixture(autouse=True)
def _providers_healthy():
    """Provider health lives in the shared cache: every test starts with none recorded."""
    from django.core.cache import cache

    cache.delete_many([f"tracking:health:{code}" for code in ("simulator", "17track", "aftership")])
    yield


@pytest.fixture
def simulator():
    """The simulated carrier on a free local port, one simulated hour per real hour."""
    clock = Clock(START)
    server, carrier = simulator_server(api_key=KEY, speed=1.0, clock=clock, rate_limit=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    adapter = SeventeenTrack(api_key=KEY, base_url=f"http://{host}:{port}/track/v2.2")
    adapter.code = "simulator"
    yield adapter, clock, carrier
    server.shutdown()
    server.server_close()


@pytest.fixture
def server():
    """A fake AfterShip on a free local port."""
    fake = FakeAfterShip()
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()
    thread.join(timeout=1)
