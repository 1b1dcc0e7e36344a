"""TikTok's fulfilment and logistics calls (Open API 202309) that the outbox makes: the
providers of a delivery option, and shipping a seller-shipped order with a tracking number.

Writes are not retried by the client on a timeout or a 5xx (TikTok may have acted; its ship
endpoints document no idempotency key): the outbox re-reads the order and decides. Only a
rate limit, where TikTok did nothing, is waited out here.
"""

from dataclasses import dataclass

from orders.platform import Carrier
from tiktok.arrange_calls import ArrangeCalls
from tiktok.arrange_calls import path_id as _path_id
from tiktok.responses import text
from tiktok.results import bad_answer

SHIPPING_PROVIDERS = "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers"
MARK_PACKAGE_SHIPPED = "/fulfillment/202309/orders/{order_id}/packages"
SHIP_PACKAGE = "/fulfillment/202309/packages/{package_id}/ship"


@dataclass(frozen=True)
class Shipped:
    """TikTok's answer to a ship call: the package (Mark Package As Shipped makes one), any
    warning it added (such as "match more than one provider"), and the request id."""

    package_id: str
    warning: str
    request_id: str
    message: str


class FulfilmentCalls(ArrangeCalls):
    """Mixed into TikTokClient; `_api_call` is the signed transport. TikTok's own shipping
    (handover, labels) is in ArrangeCalls."""

    def get_shipping_providers(
        self, *, access_token: str, shop_cipher: str, delivery_option_id: str
    ) -> list[Carrier]:
        """The carriers a seller may ship an order of this delivery option with."""
        path = SHIPPING_PROVIDERS.format(
            delivery_option_id=_path_id(delivery_option_id, "delivery_option_id")
        )
        answer = self._api_call("GET", path, access_token=access_token, shop_cipher=shop_cipher)
        providers = answer["data"].get("shipping_providers") or []
        if not isinstance(providers, list) or not all(isinstance(p, dict) for p in providers):
            raise bad_answer(answer, path, "`shipping_providers` is not a list of objects")
        found = [Carrier(text(p.get("id")), text(p.get("name"))[:80]) for p in providers]
        if not all(provider.id and provider.name for provider in found):
            raise bad_answer(answer, path, "a provider without `id` or `name`")
        return found

    def mark_package_shipped(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        order_id: str,
        tracking_number: str,
        shipping_provider_id: str,
    ) -> Shipped:
        """The order-level seller-shipping call (US, UK, EU, JP): TikTok makes the package."""
        path = MARK_PACKAGE_SHIPPED.format(order_id=_path_id(order_id, "order_id"))
        body = {"tracking_number": tracking_number, "shipping_provider_id": shipping_provider_id}
        answer = self._api_call(
            "POST", path, access_token=access_token, shop_cipher=shop_cipher, body=body, write=True
        )
        data = answer["data"]
        warning = data.get("warning")
        return Shipped(
            package_id=text(data.get("package_id")),
            warning=text(warning.get("message")) if isinstance(warning, dict) else "",
            request_id=text(answer.get("request_id")),
            message=text(answer.get("message")),
        )

    def ship_package(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        package_id: str,
        tracking_number: str,
        shipping_provider_id: str,
    ) -> Shipped:
        """Ship Package with `self_shipment` (the other markets): the package exists already."""
        path = SHIP_PACKAGE.format(package_id=_path_id(package_id, "package_id"))
        body = {
            "self_shipment": {
                "tracking_number": tracking_number,
                "shipping_provider_id": shipping_provider_id,
            }
        }
        answer = self._api_call(
            "POST", path, access_token=access_token, shop_cipher=shop_cipher, body=body, write=True
        )
        return Shipped(
            package_id=package_id,
            warning="",
            request_id=text(answer.get("request_id")),
            message=text(answer.get("message")),
        )
