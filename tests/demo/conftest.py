import pytest

from tests.demo.tiktok_helpers import simulators


@pytest.fixture
def make_simulator():
    """Simulated TikTok Shops serving on free ports, stopped after the test."""
    make, stop = simulators()
    yield make
    stop()
