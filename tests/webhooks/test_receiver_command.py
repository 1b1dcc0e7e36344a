"""`manage.py webhook_receiver --demo`: the receiver registers itself as the demo shop's
endpoint and checks signatures with that endpoint's current secret, rotated or not."""

import pytest
from django.core.management.base import CommandError

from accounts.roles import Role
from demo.management.commands.webhook_receiver import Command
from tests.accounts.factories import ShopFactory, member
from webhooks.models import Endpoint
from webhooks.services.endpoints import endpoint_secret_rotate, endpoint_test_send

# The receiver reads the secret in its own thread: the rows must be committed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


def test_the_demo_receiver_registers_once_and_verifies_with_the_current_secret(receiver):
    shop = ShopFactory(slug="glow-and-go-us", name="Glow & Go US")
    member(shop=shop, role=Role.ADMINISTRATOR, email="admin@demo.test")
    Command()._register(receiver, "glow-and-go-us", "admin@demo.test")
    Command()._register(receiver, "glow-and-go-us", "admin@demo.test")  # a restart
    endpoint = Endpoint.objects.get()
    assert endpoint.url == f"{receiver.base_url}/ok" and len(endpoint.events) == 7
    endpoint_secret_rotate(endpoint=endpoint)
    endpoint_test_send(endpoint=endpoint)
    [got] = receiver.state.delivered()
    assert got.verified


def test_the_demo_receiver_needs_the_demo_data(receiver):
    with pytest.raises(CommandError, match="run seed_demo first"):
        Command()._register(receiver, "glow-and-go-us", "admin@demo.test")
