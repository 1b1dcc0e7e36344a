import pytest


@pytest.fixture
def as_viewer(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client
