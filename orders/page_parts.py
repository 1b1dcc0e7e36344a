"""Parts other apps add to the order page, as the orders app sees them: a hook they fill.

`orders` must not import the apps above it (finance, for the "TikTok paid" part of the money
section), so those apps register a provider in their AppConfig.ready; the order page asks
every provider for its part, and a provider answers None when the person may not see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderPagePart:
    """A template the money section includes, with the context it reads."""

    template: str
    context: dict = field(default_factory=dict)


Provider = Callable[..., OrderPagePart | None]  # (*, user, order) → a part, or None
_providers: list[Provider] = []


def order_page_part_register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def order_page_parts(*, user, order) -> list[OrderPagePart]:
    """The parts of the order page `user` may see, in the order they were registered."""
    return [part for provider in _providers if (part := provider(user=user, order=order))]
