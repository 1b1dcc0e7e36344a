"""Carrier tracking adapters (docs/tracking.md): one protocol, one module per provider.

`adapter_for(code)` builds a provider's adapter from the environment's configuration; which
providers are configured, and which follows a shop's new parcels, is
`accounts/tracking_providers.py`. The simulator exists only where the settings enable it (the
demo and the tests), never in production.
"""

from django.conf import settings

from tracking.carriers.base import Adapter
from tracking.carriers.seventeen_track import SeventeenTrack
from tracking.exceptions import NotConfigured


def adapter_for(code: str) -> Adapter:
    """The adapter for a provider code (`PROVIDERS`), configured from settings."""
    if code == "simulator":
        if not settings.TRACKING_SIMULATOR_ENABLED:
            raise NotConfigured("the simulated carrier is not enabled in these settings")
        adapter = _seventeen_track(
            "simulator", settings.TRACKING_SIMULATOR_KEY, settings.TRACKING_SIMULATOR_URL
        )
        adapter.rate_per_second = settings.TRACKING_SIMULATOR_RATE
        return adapter
    if code == "17track":
        if not settings.TRACKING_17TRACK_API_KEY:
            raise NotConfigured("TRACKING_17TRACK_API_KEY is not set")
        return _seventeen_track(
            "17track", settings.TRACKING_17TRACK_API_KEY, settings.TRACKING_17TRACK_URL
        )
    if code == "aftership":
        from tracking.carriers.aftership import AfterShip

        if not settings.TRACKING_AFTERSHIP_API_KEY:
            raise NotConfigured("TRACKING_AFTERSHIP_API_KEY is not set")
        return AfterShip(
            api_key=settings.TRACKING_AFTERSHIP_API_KEY,
            webhook_secret=settings.TRACKING_AFTERSHIP_WEBHOOK_SECRET,
        )
    raise NotConfigured(f"unknown tracking provider {code[:40]!r}")


def _seventeen_track(code: str, key: str, url: str) -> SeventeenTrack:
    adapter = SeventeenTrack(api_key=key, base_url=url)
    adapter.code = code
    return adapter
