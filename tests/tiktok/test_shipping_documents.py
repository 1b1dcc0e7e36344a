"""TikTok's shipping label and packing slip: fetched once a shipment is arranged, kept as
files, served by the portal as PDFs (inline, never TikTok's URL), fetched again when asked or
when the file is gone, and TikTok's answers (arrange first, still being made, collected
already, down) in a seller's words."""

import html
import io
import time

import pytest
from pypdf import PdfReader

from demo.tiktok_simulator import documents as sim_documents
from demo.tiktok_simulator.lifecycle import step_apply
from tests.tiktok.arrange_world import documents_at_once  # noqa: F401 - a fixture
from tests.tiktok.outbox_world import GB
from tiktok.models import ShippingDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_at_once")]


def arranged(client, world, shop, capture):
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB, seller=False)
    with capture(execute=True):
        client.post(f"/orders/{order.order_id}/arrange/", {"handover_method": "DROP_OFF"})
    return sim_order, order, order.packages.get()


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_label_is_served_inline_as_a_pdf_by_the_portal(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    client.force_login(packer)
    sim_order, order, package = arranged(client, world, shop, django_capture_on_commit_callbacks)

    answer = client.get(f"/tiktok/documents/{package.pk}/shipping_label/")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("inline;")
    text = pdf_text(b"".join(answer.streaming_content))
    assert order.order_id in text and sim_order.data["tracking_number"] in text
    slip = client.get(f"/tiktok/documents/{package.pk}/packing_slip/")
    assert "Packing slip" in pdf_text(b"".join(slip.streaming_content))
    packing = html.unescape(client.get(f"/orders/{order.order_id}/packing-slip/").content.decode())
    assert f"/tiktok/documents/{package.pk}/shipping_label/" in packing
    assert "127.0.0.1" not in packing  # never TikTok's own link


def test_a_missing_file_is_fetched_again_and_a_person_may_ask_for_it(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    client.force_login(packer)
    _, order, package = arranged(client, world, shop, django_capture_on_commit_callbacks)
    label = ShippingDocument.objects.get(package=package, document_type="SHIPPING_LABEL")
    first = label.fetched_at
    label.file.storage.delete(label.file.name)

    answer = client.get(f"/tiktok/documents/{package.pk}/shipping_label/")

    assert answer["Content-Type"] == "application/pdf"
    label.refresh_from_db()
    assert label.fetched_at > first and label.file.storage.exists(label.file.name)
    again = client.post(f"/tiktok/documents/{package.pk}/refetch/", follow=True)
    assert "TikTok's label and packing slip were fetched again." in html.unescape(
        again.content.decode()
    )


def test_a_label_before_arranging_says_to_arrange_first(client, packer, shop, world):
    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB, seller=False)
    package = order.packages.get()  # TikTok's package, made at payment
    client.force_login(packer)

    answer = client.get(f"/tiktok/documents/{package.pk}/shipping_label/", follow=True)

    shown = html.unescape(answer.content.decode())
    assert "TikTok has no label for this parcel yet: arrange the shipment first." in shown
    assert not ShippingDocument.objects.exclude(file="").exists()
    assert ShippingDocument.objects.get().problem_code == 21023035


def test_a_document_still_being_made_is_fetched_again_by_itself(
    client, packer, shop, world, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(sim_documents, "STILL_GENERATING_ONE_IN", 1)  # every first ask
    client.force_login(packer)

    _, _, package = arranged(client, world, shop, django_capture_on_commit_callbacks)

    documents = ShippingDocument.objects.filter(package=package)
    assert all(d.file and not d.problem for d in documents) and documents.count() == 2


def test_after_the_pickup_tiktok_no_longer_prints(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    client.force_login(packer)
    sim_order, order, package = arranged(client, world, shop, django_capture_on_commit_callbacks)
    with world.sim.world.lock:  # the carrier collects it
        step_apply(sim_order, int(time.time()), "collect", None, 1.0)
    assert sim_order.data["status"] == "IN_TRANSIT"

    answer = client.post(f"/tiktok/documents/{package.pk}/refetch/", follow=True)

    shown = html.unescape(answer.content.decode())
    assert "The carrier has collected this parcel: TikTok no longer prints its documents." in shown
    label = ShippingDocument.objects.get(package=package, document_type="SHIPPING_LABEL")
    assert label.problem_code == 21042102 and label.file  # the kept file stays


def test_tiktok_down_says_so_and_keeps_nothing_wrong(client, packer, shop, world):
    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB, seller=False)
    package = order.packages.get()
    client.force_login(packer)
    world.sim.fault_add("unavailable", 3)

    answer = client.get(f"/tiktok/documents/{package.pk}/packing_slip/", follow=True)

    assert "TikTok did not answer when asked for the document" in html.unescape(
        answer.content.decode()
    )


def test_an_expired_doc_url_is_refused_by_the_simulator(world):
    import requests

    world.sim.world.documents["gone"] = ([("Label", ["x"])], time.time() - 1)
    assert requests.get(f"{world.url}/documents/gone", timeout=3).status_code == 403
    assert requests.get(f"{world.url}/documents/unknown", timeout=3).status_code == 404


def test_another_shops_package_is_not_found_and_a_viewer_may_not_print(
    client, packer, viewer, shop, world, django_capture_on_commit_callbacks
):
    client.force_login(packer)
    _, _, package = arranged(client, world, shop, django_capture_on_commit_callbacks)
    client.force_login(viewer)
    assert client.get(f"/tiktok/documents/{package.pk}/shipping_label/").status_code == 403
    assert client.get(f"/tiktok/documents/{package.pk + 999}/shipping_label/").status_code in (
        403,
        404,
    )
    client.force_login(packer)
    assert client.get(f"/tiktok/documents/{package.pk}/invoice/").status_code == 404
