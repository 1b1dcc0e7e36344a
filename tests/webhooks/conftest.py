import pytest

from demo.webhook_receiver import receiver_start


@pytest.fixture
def receiver():
    """The local webhook receiver on a free loopback port; it answers nothing for long."""
    server = receiver_start()
    server.state.hang_seconds = 3
    server.state.slow_seconds = 0.3
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def quick(settings):
    """Short timeouts, so a hanging endpoint costs a test a second, not ten."""
    settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS = 1
    settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS = 1
    return settings
