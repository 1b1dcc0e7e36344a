"""Which tracking provider follows a parcel, and that the public simulator key moves nothing
outside the demo: the simulator exists only where the settings enable it."""

import hashlib
import json

import pytest

from accounts.roles import Role
from orders.models import Package
from orders.services.fulfilment import order_tracking_add
from orders.statuses import OrderStatus, TrackingStatus
from tests.accounts.factories import member
from tests.helpers import PRODUCTION, manage
from tests.orders.factories import OrderFactory

PUBLIC_KEY = "simulator-key"
FORGED = json.dumps(
    {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": "SIMFORGED0001",
            "track_info": {
                "latest_status": {"status": "Delivered", "sub_status": "Delivered_Other"},
                "tracking": {
                    "providers": [
                        {
                            "events": [
                                {
                                    "time_iso": "2026-11-02T14:00:00+00:00",
                                    "stage": "Delivered",
                                    "sub_status": "Delivered_Other",
                                    "description": "Delivered",
                                    "location": "Austin, TX",
                                }
                            ]
                        }
                    ]
                },
            },
        },
    }
).encode()
FORGED_SIGN = hashlib.sha256(FORGED + b"/" + PUBLIC_KEY.encode()).hexdigest()


@pytest.fixture
def packer(shop):
    return member(shop=shop, role=Role.FULFILMENT, email="packer@example.test")


def _awaiting(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    order.packages.all().delete()
    return order


@pytest.mark.django_db
def test_without_the_simulator_its_webhook_does_not_exist_and_moves_nothing(client, shop, settings):
    settings.TRACKING_SIMULATOR_ENABLED = False
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    Package.objects.create(
        order=order, tracking_number="SIMFORGED0001", tracking_provider="simulator"
    )
    response = client.post(
        "/webhooks/carriers/simulator/",
        FORGED,
        content_type="application/json",
        HTTP_SIGN=FORGED_SIGN,
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT


def test_production_settings_have_no_simulator_and_answer_its_webhook_404():
    probe = (
        "from django.conf import settings; from django.test import Client; "
        "from accounts.tracking_providers import configured_providers; "
        f"body = {FORGED!r}; "
        "r = Client().post('/webhooks/carriers/simulator/', body, "
        "content_type='application/json', secure=True, "
        f"HTTP_HOST='sellercenter.example.com', HTTP_SIGN={FORGED_SIGN!r}); "
        "print(settings.TRACKING_SIMULATOR_ENABLED, configured_providers(), r.status_code)"
    )
    result = manage("shell", "--no-imports", "-c", probe, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["False", "[]", "404"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRACKING_17TRACK_API_KEY": PUBLIC_KEY}, "TRACKING_17TRACK_API_KEY is a default"),
        ({"TRACKING_AFTERSHIP_WEBHOOK_SECRET": "short"}, "TRACKING_AFTERSHIP_WEBHOOK_SECRET is a"),
        ({"TRACKING_DEFAULT_PROVIDER": "simulator"}, "the simulator exists only in the demo"),
        ({"TRACKING_DEFAULT_PROVIDER": "aftership"}, "set TRACKING_AFTERSHIP_API_KEY too"),
        ({"TRACKING_AFTERSHIP_API_KEY": "a" * 32}, "set TRACKING_AFTERSHIP_WEBHOOK_SECRET too"),
    ],
)
def test_production_refuses_to_start_with_a_default_or_missing_provider_key(env, message):
    result = manage("check", **PRODUCTION, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_keyed_default_provider():
    env = {"TRACKING_DEFAULT_PROVIDER": "17track", "TRACKING_17TRACK_API_KEY": "k" * 32}
    result = manage("check", **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_a_new_parcel_is_followed_by_the_shops_provider(shop, packer, settings):
    settings.TRACKING_AFTERSHIP_API_KEY = "a" * 32
    shop.tracking_provider = "aftership"
    shop.save(update_fields=["tracking_provider"])
    package = order_tracking_add(
        order=_awaiting(shop), actor=packer, carrier="UPS", tracking_number="1Z999AA10123456784"
    )
    assert package.tracking_provider == "aftership"


@pytest.mark.django_db
def test_a_new_parcel_is_followed_by_the_deployments_default_provider(shop, packer, settings):
    settings.TRACKING_17TRACK_API_KEY = "s" * 32
    settings.TRACKING_DEFAULT_PROVIDER = "17track"
    package = order_tracking_add(
        order=_awaiting(shop), actor=packer, carrier="USPS", tracking_number="9400111899223"
    )
    assert package.tracking_provider == "17track"


@pytest.mark.django_db
def test_without_a_configured_provider_a_parcel_is_recorded_not_followed(
    client, shop, packer, settings
):
    settings.TRACKING_SIMULATOR_ENABLED = False
    settings.TRACKING_DEFAULT_PROVIDER = "simulator"
    shop.tracking_provider = "aftership"  # chosen in admin, but no key on this deployment
    shop.save(update_fields=["tracking_provider"])
    order = _awaiting(shop)
    package = order_tracking_add(
        order=order, actor=packer, carrier="USPS", tracking_number="9400111899224"
    )
    assert package.tracking_provider == ""
    assert package.tracking_status == TrackingStatus.PENDING
    client.force_login(packer)
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "No tracking service follows this parcel" in page
    assert "Tracking refreshes by itself" not in page


@pytest.mark.django_db
def test_a_parcel_of_a_provider_not_configured_here_is_shown_as_not_followed(
    client, shop, packer, settings
):
    settings.TRACKING_SIMULATOR_ENABLED = False  # e.g. a demo parcel under production settings
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    order.packages.all().delete()
    Package.objects.create(
        order=order,
        tracking_number="SIMOLD000001",
        tracking_provider="simulator",
        tracking_status=TrackingStatus.IN_TRANSIT,
    )
    client.force_login(packer)
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "No tracking service follows this parcel" in page
    assert 'hx-trigger="every 10s"' not in page  # nothing will change: no refreshing


@pytest.mark.django_db
def test_an_aftership_webhook_that_cannot_be_verified_is_a_401(client, settings):
    settings.TRACKING_AFTERSHIP_API_KEY = "a" * 32
    settings.TRACKING_AFTERSHIP_WEBHOOK_SECRET = ""
    body = json.dumps({"event": "tracking_update", "msg": {"tracking_number": "1Z9"}})
    response = client.post(
        "/webhooks/carriers/aftership/",
        body,
        content_type="application/json",
        HTTP_AFTERSHIP_HMAC_SHA256="c2lnbmVk",
    )
    assert response.status_code == 401
