"""The simulator's Get Package Shipping Document: a `doc_url` on the simulator's own host,
valid DOC_URL_TTL simulated seconds, that serves a real small PDF (the label with the order,
tracking number and address; the packing slip with the items), and TikTok's codes: arrange
first (21023035), still being generated (11034037, now and then at the first ask), no
printing after pick-up (21042102)."""

import secrets
import zlib

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.fulfilment import BusinessError, _order_of_package
from demo.tiktok_simulator.pdf import pdf_document
from demo.tiktok_simulator.search import BadRequest

DOCUMENT_PATH = "/fulfillment/202309/packages/{package_id}/shipping_documents"
FILES_PREFIX = "/documents/"  # where doc_url points, on the simulator's host
DOCUMENT_TYPES = ("SHIPPING_LABEL", "PACKING_SLIP", "SHIPPING_LABEL_AND_PACKING_SLIP")
DOC_URL_TTL = 24 * c.HOUR  # simulated seconds (divided by the world's speed)
# One package in STILL_GENERATING_ONE_IN answers "still being generated" the first time each
# of its documents is asked for (0: never); TikTok does so while it renders the file.
STILL_GENERATING_ONE_IN = 4
PICKED_UP = frozenset({"IN_TRANSIT", "DELIVERED", "COMPLETED"})


def _generating(world, package_id: str, kind: str) -> bool:
    first = (package_id, kind) not in world.documents_asked
    world.documents_asked.add((package_id, kind))
    share = STILL_GENERATING_ONE_IN
    return first and share > 0 and zlib.crc32(f"{package_id}:{kind}".encode()) % share == 0


def document_answer(world, call, package_id: str) -> dict:
    kind = call.query.get("document_type", "")
    if kind not in DOCUMENT_TYPES:
        raise BadRequest(f"document_type must be one of {', '.join(DOCUMENT_TYPES)}")
    with world.lock:
        order = _order_of_package(world, call.shop, package_id)
        data = order.data
        if data["shipping_type"] != "TIKTOK":
            raise BusinessError("seller_shipping")
        if data["status"] == "CANCELLED":
            raise BusinessError("package_cancelled")
        if data["status"] in PICKED_UP:
            raise BusinessError("picked_up")
        if not data["tracking_number"]:
            raise BusinessError("arrange_first")
        if _generating(world, package_id, kind):
            raise BusinessError("generating")
        pages = _pages(order, package_id, kind)
        token = secrets.token_urlsafe(18)
        expires = world.clock() + DOC_URL_TTL / world.speed
        world.documents[token] = (pages, expires)
        tracking = data["tracking_number"]
    host = call.headers.get("host", "127.0.0.1")
    return {"doc_url": f"http://{host}{FILES_PREFIX}{token}", "tracking_number": tracking}


def _pages(order, package_id: str, kind: str) -> list[tuple[str, list[str]]]:
    data, address = order.data, order.data["recipient_address"]
    label = [
        f"Order {order.id}",
        f"Package {package_id}",
        f"Carrier {data['shipping_provider']}",
        f"Tracking {data['tracking_number']}",
        "Ship to:",
        address["name"],
        *(line for line in address["full_address"].split(", ") if line),
    ]
    items = [item for item in data["line_items"] if item.get("package_id") == package_id]
    slip = [f"Order {order.id}", f"Package {package_id}", "Items:"] + [
        f"1 x {item['product_name'][:40]} ({item.get('seller_sku') or item['sku_id']})"
        for item in items
    ]
    pages = []
    if kind != "PACKING_SLIP":
        pages.append(("Shipping label (simulated)", label))
    if kind != "SHIPPING_LABEL":
        pages.append(("Packing slip (simulated)", slip))
    return pages


def document_file(world, path: str) -> tuple[int, bytes, str]:
    """(status, body, content type) of a doc_url: the PDF, or 404/403 as a CDN answers."""
    token = path.removeprefix(FILES_PREFIX)
    with world.lock:
        found = world.documents.get(token)
    if found is None:
        return 404, b"Not Found", "text/plain"
    pages, expires = found
    if world.clock() > expires:
        return 403, b"Request has expired", "text/plain"
    title, lines = pages[0]
    if len(pages) == 1:
        return 200, pdf_document(title, lines), "application/pdf"
    both = [*lines, "", pages[1][0], *pages[1][1]]
    return 200, pdf_document(title, both), "application/pdf"
