"""A simulated carrier that speaks 17TRACK's API v2.2, for the demo and the tests.

Each tracking number follows a scenario chosen from its hash — most parcels are delivered on
time; some are late, fail a delivery attempt first, get stuck in customs, or go back to the
sender — and advances from the moment the simulator first hears of it, `speed` simulated
hours per real hour (`carrier_simulator --speed 600` delivers a parcel in about seven
minutes). It answers `register` and `gettrackinfo` like 17TRACK, checks the `17token` key,
refuses more than 40 numbers a call, and answers 429 above its rate limit, so the adapter,
the poller and the rate limiting are exercised for real. Nothing leaves the machine.
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_NUMBERS = 40

# (hours after registration, 17TRACK stage, sub-status, description, location)
NORMAL = (
    (0, "InfoReceived", "InfoReceived", "Shipping label created", "Los Angeles, CA"),
    (6, "InTransit", "InTransit_PickedUp", "Picked up by the carrier", "Los Angeles, CA"),
    (14, "InTransit", "InTransit_Departure", "Departed sort facility", "Ontario, CA"),
    (38, "InTransit", "InTransit_Arrival", "Arrived at destination facility", "Austin, TX"),
    (52, "OutForDelivery", "OutForDelivery_Other", "Out for delivery", "Austin, TX"),
    (58, "Delivered", "Delivered_Other", "Delivered, front door", "Austin, TX"),
)
LATE = (
    *NORMAL[:3],
    (70, "InTransit", "InTransit_Other", "Delayed: weather at the hub", "Denver, CO"),
    (96, "InTransit", "InTransit_Arrival", "Arrived at destination facility", "Austin, TX"),
    (110, "OutForDelivery", "OutForDelivery_Other", "Out for delivery", "Austin, TX"),
    (116, "Delivered", "Delivered_Other", "Delivered, mailroom", "Austin, TX"),
)
ATTEMPT_FAILED = (
    *NORMAL[:5],
    (
        58,
        "DeliveryFailure",
        "DeliveryFailure_NoBody",
        "Delivery attempted: nobody home",
        "Austin, TX",
    ),
    (
        76,
        "OutForDelivery",
        "OutForDelivery_Other",
        "Out for delivery, second attempt",
        "Austin, TX",
    ),
    (82, "Delivered", "Delivered_Other", "Delivered, signed by resident", "Austin, TX"),
)
CUSTOMS = (
    *NORMAL[:3],
    (30, "Exception", "Exception_Other", "Held by customs: documents required", "Chicago, IL"),
)
RETURNED = (
    *ATTEMPT_FAILED[:6],
    (
        80,
        "Exception",
        "Exception_Returning",
        "Address not found: returning to sender",
        "Austin, TX",
    ),
    (150, "Exception", "Exception_Returned", "Returned to sender", "Los Angeles, CA"),
)
# Out of 100 parcels.
SCENARIOS = ((80, NORMAL), (7, LATE), (6, ATTEMPT_FAILED), (4, CUSTOMS), (3, RETURNED))


def scenario_for(number: str) -> tuple:
    roll = int(hashlib.sha256(number.encode()).hexdigest()[:8], 16) % 100
    for share, steps in SCENARIOS:
        if roll < share:
            return steps
        roll -= share
    return NORMAL


@dataclass
class Parcel:
    number: str
    registered_at: datetime


class SimulatedCarrier:
    """The parcels the simulator knows and what each one has been through by `now`."""

    def __init__(self, *, speed: float = 60.0, clock=None):
        self.speed = speed
        self.clock = clock or (lambda: datetime.now(UTC))
        self.parcels: dict[str, Parcel] = {}
        self.lock = threading.Lock()

    def register(self, number: str) -> bool:
        """True when the number is new (17TRACK rejects a second registration)."""
        with self.lock:
            if number in self.parcels:
                return False
            self.parcels[number] = Parcel(number, self.clock())
            return True

    def track_info(self, number: str) -> dict | None:
        parcel = self.parcels.get(number)
        if parcel is None:
            return None
        elapsed_hours = (self.clock() - parcel.registered_at).total_seconds() / 3600 * self.speed
        events = []
        for hours, stage, sub_status, description, location in scenario_for(number):
            if hours > elapsed_hours:
                break
            when = parcel.registered_at + timedelta(hours=hours / self.speed)
            events.append(
                {
                    "time_iso": when.isoformat(timespec="seconds"),
                    "time_utc": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "description": description,
                    "location": location,
                    "stage": stage,
                    "sub_status": sub_status,
                }
            )
        latest = events[-1] if events else {"stage": "NotFound", "sub_status": "NotFound_Other"}
        delivered_at = parcel.registered_at + timedelta(
            hours=scenario_for(number)[-1][0] / self.speed
        )
        return {
            "latest_status": {"status": latest["stage"], "sub_status": latest["sub_status"]},
            "latest_event": events[-1] if events else None,
            "time_metrics": {
                "estimated_delivery_date": {
                    "source": "simulator",
                    "from": None,
                    "to": delivered_at.isoformat(timespec="seconds"),
                }
            },
            "tracking": {
                "providers": [
                    {"provider": {"name": "Simulated Express"}, "events": list(reversed(events))}
                ]
            },
        }


class RateWindow:
    """At most `limit` calls in any one-second window (0: no limit)."""

    def __init__(self, limit: float):
        self.limit = limit
        self.calls: list[float] = []
        self.refused = 0  # answered 429
        self.requests = 0
        self.lock = threading.Lock()

    def allow(self) -> bool:
        now = time.monotonic()
        with self.lock:
            self.requests += 1
            if not self.limit:
                return True
            self.calls = [t for t in self.calls if now - t < 1.0]
            if len(self.calls) >= self.limit:
                self.refused += 1
                return False
            self.calls.append(now)
            return True


def make_handler(carrier: SimulatedCarrier, *, api_key: str, rate: RateWindow):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the standard library's name
            return  # quiet: the poller logs what matters

        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.headers.get("17token") != api_key:
                return self._answer(401, {"code": -18010002, "data": {"errors": ["bad token"]}})
            if not rate.allow():
                return self._answer(429, {"code": 429, "data": {}})
            try:
                items = json.loads(raw)
                numbers = [str(item["number"]) for item in items]
            except (ValueError, TypeError, KeyError):
                return self._answer(200, {"code": -18010012, "data": {"errors": ["bad body"]}})
            if len(numbers) > MAX_NUMBERS:
                return self._answer(200, {"code": -18010013, "data": {"errors": ["over 40"]}})
            endpoint = self.path.rstrip("/").rsplit("/", 1)[-1]
            if endpoint == "register":
                return self._answer(200, {"code": 0, "data": self._register(numbers)})
            if endpoint == "gettrackinfo":
                return self._answer(200, {"code": 0, "data": self._track(numbers)})
            return self._answer(404, {"code": -1, "data": {}})

        def _register(self, numbers):
            accepted, rejected = [], []
            for number in numbers:
                if carrier.register(number):
                    accepted.append({"number": number, "carrier": 990001})
                else:
                    error = {"code": -18019901, "message": "already registered"}
                    rejected.append({"number": number, "error": error})
            return {"accepted": accepted, "rejected": rejected}

        def _track(self, numbers):
            accepted, rejected = [], []
            for number in numbers:
                info = carrier.track_info(number)
                if info is None:
                    error = {"code": -18019902, "message": "not registered"}
                    rejected.append({"number": number, "error": error})
                else:
                    accepted.append({"number": number, "carrier": 990001, "track_info": info})
            return {"accepted": accepted, "rejected": rejected}

    return Handler


def simulator_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api_key: str,
    speed: float = 60.0,
    rate_limit: float = 0,
    clock=None,
) -> tuple[ThreadingHTTPServer, SimulatedCarrier]:
    """A ready-to-serve simulator (port 0 picks a free port: `server.server_address`)."""
    carrier = SimulatedCarrier(speed=speed, clock=clock)
    carrier.rate = RateWindow(rate_limit)
    handler = make_handler(carrier, api_key=api_key, rate=carrier.rate)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server, carrier
