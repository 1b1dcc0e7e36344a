"""TikTok's shipping documents for its own packages (the label, the packing slip): asked of
TikTok (Get Package Shipping Document), downloaded from the `doc_url` it gives (valid 24
hours) and kept as files with a `ShippingDocument` row per package and type, so that the
portal serves them itself. Fetched by a task once a shipment is arranged, again when a
person asks, and whenever the stored file is missing."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from orders.models import Package
from tiktok.arrange_rules import (
    DOCUMENT_GIVEN_UP,
    DOCUMENT_UNAVAILABLE,
    STILL_GENERATING,
    document_words,
)
from tiktok.client import TikTokClient
from tiktok.crypto import TokenUnreadable
from tiktok.exceptions import ApiError, BadResponse, TikTokError, Unavailable
from tiktok.models import ShippingDocument
from tiktok.services.arrange import documents_enqueue
from tiktok.services.order_connection import order_connection
from tiktok.services.outbox import GATEWAY_CODES
from tiktok.services.sync import order_details_store
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
TYPES = tuple(ShippingDocument.Type)
NO_CONNECTION = "The shop is not connected to TikTok: there is no TikTok document to fetch."
NO_PACKAGE = "TikTok has not given this parcel a package yet: arrange the shipment first."


@dataclass
class Fetched:
    """What one fetch of one document came to; `retry`: worth asking again soon."""

    document: ShippingDocument
    ok: bool
    retry: bool = False


def document_stored(document: ShippingDocument | None) -> bool:
    """Is the document's file there to serve?"""
    return bool(document and document.file and document.file.storage.exists(document.file.name))


def _problem(document: ShippingDocument, words: str, code: int | None) -> None:
    document.problem, document.problem_code = words[:300], code
    document.save(update_fields=["problem", "problem_code"])


def _download(connection, client: TikTokClient, package: Package, kind: str):
    url, tracking = connection_call(
        connection=connection,
        client=client,
        call=lambda access: client.get_shipping_document(
            access_token=access,
            shop_cipher=connection.shop_cipher,
            package_id=package.package_id,
            document_type=kind,
        ),
    )
    return client.document_download(url), tracking


def _fetch_one(connection, client, package: Package, kind: str) -> Fetched:
    document, _ = ShippingDocument.objects.get_or_create(
        package=package, document_type=kind, defaults={"order_id": package.order_id}
    )
    try:
        body, tracking = _download(connection, client, package, kind)
    except (Unavailable, BadResponse) as error:
        log.info("tiktok document %s of package %s: %s", kind, package.pk, error)
        _problem(document, DOCUMENT_UNAVAILABLE, getattr(error, "code", None))
        return Fetched(document, ok=False, retry=True)
    except ApiError as error:
        if type(error) is ApiError and not str(error.code).startswith(GATEWAY_CODES):
            _problem(document, document_words(error.code, error.message), error.code)
            return Fetched(document, ok=False, retry=error.code == STILL_GENERATING)
        _problem(document, DOCUMENT_GIVEN_UP, error.code)
        return Fetched(document, ok=False)
    except (TikTokError, TokenUnreadable) as error:
        _problem(document, DOCUMENT_GIVEN_UP, getattr(error, "code", None))
        return Fetched(document, ok=False)
    old = document.file.name if document.file else ""
    name = f"{package.order.shop_id}/{package.package_id}-{kind.lower().replace('_', '-')}.pdf"
    document.file.save(name, ContentFile(body), save=False)
    document.fetched_at, document.tracking_number = timezone.now(), tracking[:64]
    document.problem, document.problem_code = "", None
    document.save()
    if old and old != document.file.name:
        transaction.on_commit(lambda: document.file.storage.delete(old))
    return Fetched(document, ok=True)


def documents_fetch(
    *, package: Package, kinds=TYPES, force: bool = False, client: TikTokClient | None = None
) -> list[Fetched]:
    """Each document of `kinds` for the package: the stored one unless `force` or its file is
    missing, else fetched from TikTok now. Never raises for TikTok's answers: each result
    says what happened and its row keeps the problem in words."""
    connection = order_connection(package.order)
    results = []
    for kind in kinds:
        stored = ShippingDocument.objects.filter(package=package, document_type=kind).first()
        if not force and document_stored(stored):
            results.append(Fetched(stored, ok=True))
            continue
        if connection is None or not package.package_id:
            document = stored or ShippingDocument(
                package=package, order_id=package.order_id, document_type=kind
            )
            document.problem = NO_CONNECTION if connection is None else NO_PACKAGE
            results.append(Fetched(document, ok=False))
            continue
        results.append(
            _fetch_one(connection, client or TikTokClient.from_settings(), package, kind)
        )
    return results


def package_documents_run(*, package_pk: int, attempt: int = 0) -> dict:
    """The task's work after a shipment is arranged: TikTok's order read back (its tracking
    number and package), then the documents; asked again later while TikTok is still making
    them or does not answer, TIKTOK_DOCUMENT_ATTEMPTS times in all."""
    package = Package.objects.select_related("order__shop").filter(pk=package_pk).first()
    if package is None:
        return {"skipped": "no such package"}
    connection = order_connection(package.order)
    if connection is None:
        return {"skipped": "not connected"}
    client = TikTokClient.from_settings()
    if attempt == 0:
        try:
            order_details_store(connection, client, [package.order.order_id], "outbox")
        except TikTokError as error:
            log.info("tiktok: re-read before documents of package %s failed: %s", package_pk, error)
        package.refresh_from_db()
    results = documents_fetch(package=package, client=client)
    again = any(result.retry for result in results)
    if again and attempt + 1 < settings.TIKTOK_DOCUMENT_ATTEMPTS:
        delay = settings.TIKTOK_DOCUMENT_RETRY_SECONDS * (attempt + 1)
        documents_enqueue(package_pk, countdown=delay, attempt=attempt + 1)
    return {result.document.document_type: result.ok for result in results}
