"""Carrier tracking adapters (SPEC §9): one protocol, one module per provider.

`adapter_for(code)` builds a provider's adapter from the environment's configuration;
`provider_for_shop(shop)` names the provider that follows a shop's new parcels. The simulator
exists only where the settings enable it (the demo and the tests), never in production.
"""

from django.conf import settings

from tracking.carriers.base import Adapter
from tracking.carriers.seventeen_track import SeventeenTrack


class NotConfigured(LookupError):
    """The provider is unknown, or its credentials are not in the environment."""


def adapter_for(code: str) -> Adapter:
    """The adapter for a provider code of SPEC §9, configured from settings."""
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


def configured_providers() -> list[str]:
    """Providers that can be called: real ones when keyed, the simulator where enabled."""
    enabled = {
        "simulator": settings.TRACKING_SIMULATOR_ENABLED,
        "17track": settings.TRACKING_17TRACK_API_KEY,
        "aftership": settings.TRACKING_AFTERSHIP_API_KEY,
    }
    return [code for code, on in enabled.items() if on]


def provider_for_shop(shop) -> str:
    """The provider that follows a shop's new parcels: the shop's own, else the deployment's
    default; "" (recorded, not followed) when that provider is not configured here."""
    code = shop.tracking_provider or settings.TRACKING_DEFAULT_PROVIDER
    return code if code in configured_providers() else ""
