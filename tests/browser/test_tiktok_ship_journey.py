"""Fulfilment ships an order of a shop connected to the simulated TikTok Shop: TikTok's
carriers in the form, TikTok's acceptance on the page; then a number TikTok refuses, taken off
again with TikTok's answer in the page and the timeline; and an order cancelled with one of
TikTok's reasons."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.conftest import HOME, screenshot, sign_in
from tests.tiktok.outbox_world import GB, US, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings):
    made = World(settings)
    cache.clear()
    yield made
    made.stop()


def _ship(page, order, carrier: str, number: str):
    page.goto(f"/orders/{order.order_id}/")
    fulfilment = page.locator("#fulfilment")
    fulfilment.get_by_label("Carrier").select_option(label=carrier)
    fulfilment.get_by_label("Tracking number").fill(number)
    fulfilment.get_by_role("button", name="Ship on TikTok").click()
    return fulfilment


def test_fulfilment_ships_on_tiktok_and_sees_its_answer(
    page,
    shop,
    packer,
    world,
    eager,  # the outbox's task runs in the request's commit, as a worker would at once
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    sign_in(page, packer.email)
    page.wait_for_url(HOME)

    fulfilment = _ship(page, order, "USPS", "9400111122223333444455")

    expect(page.get_by_text("it is being sent to TikTok")).to_be_visible()
    expect(fulfilment.get_by_text("TikTok accepted the shipment of USPS")).to_be_visible()
    expect(page.locator("#tracking").get_by_text("9400111122223333444455")).to_be_visible()
    assert sim_order.data["status"] == "AWAITING_COLLECTION"
    screenshot(page, "order-detail-shipped-on-tiktok")


def test_a_number_tiktok_refuses_comes_back_off_with_its_answer(page, shop, packer, world, eager):
    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB)
    sign_in(page, packer.email)
    page.wait_for_url(HOME)

    fulfilment = _ship(page, order, "Royal Mail", "AB-1234567")

    expect(fulfilment.get_by_text("was taken off the order")).to_be_visible()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.get_by_text("Refused by TikTok")).to_be_visible()
    expect(timeline.get_by_text("does not accept tracking number AB-1234567")).to_be_visible()
    expect(page.locator("#tracking")).not_to_contain_text("AB-1234567")
    expect(page.locator("#tracking").get_by_text("not shipped yet")).to_be_visible()
    expect(timeline.get_by_text("the order is awaiting shipment again")).to_be_visible()
    expect(fulfilment.get_by_role("button", name="Ship on TikTok")).to_be_visible()
    screenshot(page, "order-detail-refused-by-tiktok")


def test_fulfilment_cancels_on_tiktok_with_tiktok_s_reason(page, shop, packer, world, eager):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    sign_in(page, packer.email)
    page.wait_for_url(HOME)
    page.goto(f"/orders/{order.order_id}/")
    fulfilment = page.locator("#fulfilment")

    fulfilment.get_by_label("Cancel on TikTok because").select_option(label="Out of stock")
    fulfilment.get_by_role("button", name="Cancel the order").click()

    expect(page.get_by_text("the cancellation is being sent to TikTok")).to_be_visible()
    expect(fulfilment.get_by_text("TikTok cancelled the order (“Out of stock”).")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("Cancelled")
    expect(fulfilment.get_by_role("button", name="Cancel the order")).to_have_count(0)
    assert sim_order.data["status"] == "CANCELLED"
    screenshot(page, "order-detail-cancelled-on-tiktok")
