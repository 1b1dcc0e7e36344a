"""What the tracking tests share: the simulated carrier's key and clock, parcels to follow,
carrier reports to apply and signed webhook bodies."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from demo.carrier_simulator import scenario_for
from orders.models import Package
from orders.statuses import OrderStatus, TrackingStatus
from tests.orders.factories import OrderFactory
from tracking.carriers.base import Checkpoint, TrackingUpdate
from tracking.carriers.seventeen_track import SeventeenTrack

KEY = "test-simulator-key"
# Three days ago, 08:00 UTC: recent enough that no parcel of these tests has gone quiet long
# enough to count as expired (a fixed date did, 30 days on).
START = (datetime.now(UTC) - timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
WEBHOOK_URL = "/webhooks/carriers/simulator/"

PICKED_UP = (START + timedelta(hours=6), TrackingStatus.IN_TRANSIT, "Picked up")
OUT = (START + timedelta(hours=52), TrackingStatus.OUT_FOR_DELIVERY, "Out for delivery")
DELIVERED = (START + timedelta(hours=58), TrackingStatus.DELIVERED, "Delivered")

PICKED_UP_EVENT = {
    "time_iso": (START + timedelta(hours=6)).isoformat(),
    "stage": "InTransit",
    "sub_status": "InTransit_PickedUp",
    "description": "Picked up",
    "location": "Los Angeles, CA",
}


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def number_with(scenario) -> str:
    """A tracking number the simulator plays `scenario` for."""
    return next(f"SIM{i:09d}" for i in range(100_000) if scenario_for(f"SIM{i:09d}") is scenario)


def unreachable(code: str = "simulator") -> SeventeenTrack:
    """A provider nobody answers for (nothing listens on port 9)."""
    adapter = SeventeenTrack(api_key=KEY, base_url="http://127.0.0.1:9/track/v2.2")
    adapter.code = code
    return adapter


def tracked_package(
    shop, *, status=OrderStatus.AWAITING_COLLECTION, number="SIM000000001", **fields
) -> Package:
    """The only package of a new order, followed by the simulator and due at START."""
    order = OrderFactory(shop=shop, status=status, create_time=START - timedelta(days=2))
    order.packages.all().delete()
    return Package.objects.create(
        order=order,
        tracking_number=number,
        shipping_provider_name="Simulated Express",
        tracking_provider="simulator",
        next_poll_at=START,
        **fields,
    )


def tracking_update(number, *steps, estimated=None) -> TrackingUpdate:
    """A carrier's report of `steps`, each (when, status, message)."""
    checkpoints = tuple(
        Checkpoint(occurred_at=when, status=status, message=message, location="Austin, TX")
        for when, status, message in steps
    )
    latest = max(checkpoints, key=lambda c: c.occurred_at) if checkpoints else None
    return TrackingUpdate(
        tracking_number=number,
        status=latest.status if latest else TrackingStatus.PENDING,
        checkpoints=checkpoints,
        estimated_delivery=estimated,
    )


def sign(raw: bytes, key: str = KEY) -> str:
    """17TRACK's signature of a webhook body."""
    return hashlib.sha256(raw + b"/" + key.encode()).hexdigest()


def signed(body: dict, key: str = KEY) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, sign(raw, key)


def pushed(number: str, *events) -> dict:
    """A 17TRACK webhook notification of `events` for `number`."""
    return {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": number,
            "track_info": {
                "latest_status": {"status": events[0]["stage"], "sub_status": ""},
                "tracking": {"providers": [{"events": list(events)}]},
            },
        },
    }
