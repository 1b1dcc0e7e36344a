"""TikTok's calls for orders TikTok ships itself (shipping_type TIKTOK): the package's
handover time slots, Ship Package with a handover method and pick-up slot (SEA, EMEA, LATAM),
Create Packages, which buys the label with the default shipping service (the US), Get Package
Shipping Document, and the download of the document it points to.

Writes are not retried on a timeout or a 5xx (TikTok may have acted): the outbox re-reads the
order and decides. A document download is a plain GET of the `doc_url` TikTok gave (valid
24 hours), bounded in size and checked to be a PDF.
"""

from dataclasses import dataclass
from datetime import datetime

import requests

from orders.platform import PickupSlot
from tiktok.exceptions import BadResponse, Unavailable
from tiktok.responses import text, unix_time
from tiktok.results import bad_answer

SLOTS = "/fulfillment/202309/packages/{package_id}/handover_time_slots"
SHIP_PACKAGE = "/fulfillment/202309/packages/{package_id}/ship"
CREATE_PACKAGES = "/fulfillment/202309/packages"
SHIPPING_DOCUMENT = "/fulfillment/202309/packages/{package_id}/shipping_documents"
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class HandoverSlots:
    """What Get Package Handover Time Slots offers for a package."""

    can_pickup: bool
    can_drop_off: bool
    pickup_slots: list[PickupSlot]
    drop_off_point_url: str


@dataclass(frozen=True)
class Arranged:
    """TikTok's answer to an arrangement: the package (Create Packages makes one)."""

    package_id: str
    request_id: str
    message: str


def path_id(value: str, name: str) -> str:
    """An id put in a path: TikTok's digits only."""
    value = str(value)
    if not value.isascii() or not value.isdigit() or len(value) > 32:
        raise ValueError(f"{name} must be TikTok's digits; got {value[:40]!r}")
    return value


def _slot(item: dict) -> PickupSlot | None:
    if item.get("avaliable", item.get("available", True)) is False:  # sic: TikTok's spelling
        return None
    try:
        start, end = unix_time(item.get("start_time")), unix_time(item.get("end_time"))
    except ValueError:
        return None
    return PickupSlot(start=start, end=end) if start < end else None


class ArrangeCalls:
    """Mixed into TikTokClient (through FulfilmentCalls); `_api_call` is the signed transport."""

    def get_handover_time_slots(
        self, *, access_token: str, shop_cipher: str, package_id: str
    ) -> HandoverSlots:
        path = SLOTS.format(package_id=path_id(package_id, "package_id"))
        answer = self._api_call("GET", path, access_token=access_token, shop_cipher=shop_cipher)
        data = answer["data"]
        items = data.get("pickup_slots") or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise bad_answer(answer, path, "`pickup_slots` is not a list of objects")
        slots = [slot for slot in map(_slot, items) if slot is not None]
        return HandoverSlots(
            can_pickup=data.get("can_pickup") is True,
            can_drop_off=data.get("can_drop_off") is True,
            pickup_slots=sorted(slots, key=lambda s: s.start),
            drop_off_point_url=text(data.get("drop_off_point_url")),
        )

    def ship_package_handover(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        package_id: str,
        handover_method: str,
        pickup_slot: tuple[datetime, datetime] | None,
    ) -> Arranged:
        """Ship Package for a TikTok-shipping package: handed to TikTok's carrier."""
        path = SHIP_PACKAGE.format(package_id=path_id(package_id, "package_id"))
        body: dict = {"handover_method": handover_method}
        if pickup_slot is not None:
            start, end = pickup_slot
            body["pickup_slot"] = {
                "start_time": int(start.timestamp()),
                "end_time": int(end.timestamp()),
            }
        answer = self._api_call(
            "POST", path, access_token=access_token, shop_cipher=shop_cipher, body=body, write=True
        )
        return Arranged(package_id, text(answer.get("request_id")), text(answer.get("message")))

    def create_packages(self, *, access_token: str, shop_cipher: str, order_id: str) -> Arranged:
        """Create Packages (the US): buys the label with the shop's default shipping service."""
        body = {"order_id": path_id(order_id, "order_id")}
        answer = self._api_call(
            "POST",
            CREATE_PACKAGES,
            access_token=access_token,
            shop_cipher=shop_cipher,
            body=body,
            write=True,
        )
        package_id = text(answer["data"].get("package_id"))
        if not package_id:
            raise bad_answer(answer, CREATE_PACKAGES, "no `package_id`")
        return Arranged(package_id, text(answer.get("request_id")), text(answer.get("message")))

    def get_shipping_document(
        self, *, access_token: str, shop_cipher: str, package_id: str, document_type: str
    ) -> tuple[str, str]:
        """(doc_url, tracking number) of a package's document: a PDF, A6."""
        path = SHIPPING_DOCUMENT.format(package_id=path_id(package_id, "package_id"))
        answer = self._api_call(
            "GET",
            path,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query={"document_type": document_type, "document_size": "A6"},
        )
        url = text(answer["data"].get("doc_url"))
        if not url.startswith(("https://", "http://")):
            raise bad_answer(answer, path, "no `doc_url`")
        return url, text(answer["data"].get("tracking_number"))

    def document_download(self, url: str) -> bytes:
        """The PDF behind a doc_url; Unavailable when it cannot be had now, BadResponse when
        what came is not a PDF."""
        try:
            with requests.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    raise Unavailable(
                        "the document link did not answer", status=response.status_code
                    )
                body = response.raw.read(DOCUMENT_MAX_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise Unavailable(f"no document ({type(exc).__name__})") from None
        if len(body) > DOCUMENT_MAX_BYTES or not body.startswith(b"%PDF-"):
            raise BadResponse("the document is not a PDF")
        return body
