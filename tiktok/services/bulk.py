"""The order list's bulk actions for TikTok-shipped orders: "Arrange shipment" (TikTok's first
handover for each ticked order, through the outbox) and "Print labels" (the ticked orders'
shipping labels in one PDF). Each gives one result per order, in a seller's words; an
arrangement's result follows its outbox row (sent, arranged, refused)."""

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

from orders.exceptions import FulfilmentRefused
from orders.models import Order, OrderEvent, Package
from orders.services.arrange import order_shipment_arrange
from orders.statuses import EventKind
from tiktok.models import ShippingDocument, TikTokAction
from tiktok.services.arrange_platform import NOT_TIKTOK_SHIPPED
from tiktok.services.documents import document_stored, documents_fetch
from tiktok.services.order_connection import order_connection

LABEL = ShippingDocument.Type.SHIPPING_LABEL
NO_LABEL = "No label yet: arrange shipment first."
NOT_CONNECTED = "Not a TikTok-shipped order: its shop is not connected to TikTok."


@dataclass
class BulkRow:
    """One order's result: `tone` is a message style ("success", "error", "info")."""

    order_pk: int
    order_id: str
    shop: str
    words: str
    tone: str = "success"
    action_id: int | None = None
    package_pk: int | None = None


def _row(order: Order, words: str, tone: str = "error", **extra) -> BulkRow:
    return BulkRow(order.pk, order.order_id, order.shop.name, words, tone, **extra)


def _not_tiktok_shipped(order: Order) -> str:
    """Why TikTok's own shipping does not apply to the order, or "" when it does."""
    if order.shipping_type != "TIKTOK":
        return NOT_TIKTOK_SHIPPED
    return NOT_CONNECTED if order_connection(order) is None else ""


def bulk_arrange(*, user, orders) -> list[BulkRow]:
    """Arrange each order's shipment with TikTok's first offered handover; one row each."""
    rows = []
    for order in orders.select_related("shop").order_by("create_time", "pk"):
        if not_ours := _not_tiktok_shipped(order):
            rows.append(_row(order, not_ours))
            continue
        try:
            order_shipment_arrange(order=order, actor=user, first_offered=True)
        except FulfilmentRefused as refused:
            rows.append(_row(order, f"Not arranged: {refused}"))
            continue
        action = TikTokAction.objects.filter(order=order, kind=TikTokAction.Kind.ARRANGE).first()
        rows.append(_row(order, "Sent to TikTok", "info", action_id=action.pk))
    return rows


def arrange_row_now(row: BulkRow) -> BulkRow:
    """The row with its outbox row's state now."""
    if row.action_id is None:
        return row
    action = TikTokAction.objects.filter(pk=row.action_id).first()
    if action is None:
        return row
    if action.state == TikTokAction.State.DONE:
        row.words, row.tone = "Arranged", "success"
    elif action.state == TikTokAction.State.REFUSED:
        answer = _refusal_words(action)
        row.words, row.tone = f"Refused by TikTok: {answer}", "error"
    elif action.state == TikTokAction.State.FAILED:
        row.words, row.tone = f"Not arranged: {_refusal_words(action)}", "error"
    elif action.attempts:
        row.words, row.tone = "TikTok did not answer yet: the portal tries again by itself", "info"
    return row


def _refusal_words(action: TikTokAction) -> str:
    """The timeline's words for the refusal (TikTok's code in a seller's words)."""
    event = (
        OrderEvent.objects.filter(order_id=action.order_id, kind=EventKind.REFUSED)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return (event.payload.get("message") if event else "") or action.response_message


def bulk_labels(*, orders) -> list[BulkRow]:
    """Each order's shipping label, fetched now where it is not stored yet; one row each,
    with the package whose label goes into the merged PDF."""
    rows = []
    for order in orders.select_related("shop").order_by("create_time", "pk"):
        if not_ours := _not_tiktok_shipped(order):
            rows.append(_row(order, not_ours))
            continue
        packages = list(order.packages.exclude(package_id="").exclude(tracking_number=""))
        if not packages:
            rows.append(_row(order, NO_LABEL))
            continue
        for package in packages:
            (result,) = documents_fetch(package=package, kinds=[LABEL])
            if result.ok:
                rows.append(_row(order, "Label included", "success", package_pk=package.pk))
            else:
                rows.append(_row(order, f"No label: {result.document.problem}"))
    return rows


def labels_merged(*, orders, package_pks: list[int]) -> tuple[bytes, int]:
    """(one PDF of these packages' stored labels, its page count), only of `orders`."""
    packages = Package.objects.filter(pk__in=package_pks, order__in=orders).order_by(
        "order__create_time", "order__pk", "pk"
    )
    stored = {
        d.package_id: d
        for d in ShippingDocument.objects.filter(package__in=packages, document_type=LABEL)
    }
    writer = PdfWriter()
    for package in packages:
        document = stored.get(package.pk)
        if not document_stored(document):
            continue
        with document.file.open("rb") as handle:
            for page in PdfReader(io.BytesIO(handle.read())).pages:
                writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
