"""Fulfilment ticks two TikTok-shipped orders of a shop connected to the simulated TikTok
Shop, arranges their shipment from the list's bulk bar, reads the result of each, then prints
their labels: one PDF with a page per order."""

import io

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.tiktok_simulator import documents as sim_documents
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.tiktok.outbox_world import GB, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings, monkeypatch):
    monkeypatch.setattr(sim_documents, "STILL_GENERATING_ONE_IN", 0)
    made = World(settings)
    cache.clear()
    yield made
    made.stop()


def _tick(page, orders, action: str):
    page.goto("/orders/")
    for order in orders:
        page.get_by_label(f"Select order {order.order_id}").check()
    page.get_by_role("button", name=action).click()


def test_fulfilment_ships_two_ticked_orders_and_prints_their_labels(
    page,
    shop,
    packer,
    world,
    eager,  # the outbox's task runs in the request's commit, as a worker would at once
):
    connection = world.connect(shop, GB)
    sim_a, a = world.order(connection, GB, seller=False)
    sim_b, b = world.order(connection, GB, seller=False)
    sign_in(page, packer.email)
    page.wait_for_url(HOME)

    _tick(page, [a, b], "Arrange shipment")

    results = page.locator("#bulk-results")
    expect(results.get_by_text("2 of 2 orders arranged")).to_be_visible()
    for order in (a, b):
        row = results.get_by_role("row").filter(has_text=order.order_id)
        expect(row.get_by_text("Arranged")).to_be_visible()
    assert sim_a.data["status"] == sim_b.data["status"] == "AWAITING_COLLECTION"
    screenshot(page, "tiktok-bulk-arranged")

    _tick(page, [a, b], "Print labels")

    expect(results.get_by_text("2 labels of 2 orders")).to_be_visible()
    expect(results.get_by_text("Label included")).to_have_count(2)
    screenshot(page, "tiktok-bulk-labels")
    link = page.get_by_role("link", name="Open the labels to print (PDF)")
    answer = page.request.get(link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline;")
    pages = PdfReader(io.BytesIO(answer.body())).pages
    assert len(pages) == 2
    assert sim_a.data["tracking_number"] in pages[0].extract_text()

    page.goto(f"/orders/{a.order_id}/")
    documents = page.locator("#shipping-documents")
    expect(documents.get_by_role("link", name="TikTok's shipping label")).to_be_visible()
    expect(page.locator("#platform-notice")).to_contain_text("TikTok arranged the shipment")
    screenshot(page, "order-detail-tiktok-arranged")


def test_fulfilment_arranges_a_pickup_at_a_time_tiktok_offers(page, shop, packer, world, eager):
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB, seller=False)
    sign_in(page, packer.email)
    page.wait_for_url(HOME)
    page.goto(f"/orders/{order.order_id}/")
    fulfilment = page.locator("#fulfilment")
    expect(fulfilment.get_by_label("Pick-up by the carrier")).to_be_checked()
    times = fulfilment.get_by_label("Pick-up time").locator("option")
    expect(times).not_to_have_count(0)
    screenshot(page, "order-detail-tiktok-arrange-form")
    second = times.nth(1).get_attribute("value")
    fulfilment.get_by_label("Pick-up time").select_option(second)

    fulfilment.get_by_role("button", name="Arrange shipment").click()

    expect(page.get_by_text("Shipment arranged; it is being sent to TikTok")).to_be_visible()
    expect(
        fulfilment.get_by_text("TikTok arranged the shipment (pick-up by the carrier")
    ).to_be_visible()
    start, end = (int(t) for t in second.split("-"))
    assert sim_order.handover["pickup_slot"] == {"start_time": start, "end_time": end}
    expect(page.locator("#tracking").get_by_text(sim_order.data["tracking_number"])).to_be_visible()
