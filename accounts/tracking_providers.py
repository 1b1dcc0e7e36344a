"""Which tracking providers this deployment can call, and which one follows a shop's new
parcels. Read from settings only (the keys, the simulator switch, the default), beside the
shop's own choice (`Shop.tracking_provider`), so the shop admin, an order page and the
fulfilment service can ask without importing the carrier adapters of `tracking`.
"""

from django.conf import settings


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
