import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """Each test starts with no requests counted against its tokens."""
    cache.clear()
    yield
    cache.clear()
