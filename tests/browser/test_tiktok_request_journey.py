"""Customer service approves a buyer's return request of a shop connected to the simulated
TikTok Shop, and sees TikTok's answer on the order page and in the timeline."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HOME, screenshot, sign_in
from tests.browser.test_tiktok_ship_journey import world  # noqa: F401, F811 - its simulator
from tests.tiktok.outbox_world import US
from tests.tiktok.request_world import return_asked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_service_approves_a_return_request_and_sees_tikToks_answer(
    page,
    shop,
    cs_agent,
    world,  # noqa: F811 - the fixture imported above
    eager,  # the outbox's task runs in the request's commit, as a worker would at once
):
    shop.refund_limit = Decimal("1000.00")  # customer service answers alone
    shop.save(update_fields=["refund_limit"])
    connection = world.connect(shop, US)
    sim_order, order, request = return_asked(world, connection, "REFUND", reason="Too small")
    sign_in(page, cs_agent.email)
    page.wait_for_url(HOME)

    page.goto(f"/orders/{order.order_id}/")
    card = page.get_by_role("region", name="Buyer requests")
    expect(
        card.get_by_text("Buyer asked for a refund without sending the item back")
    ).to_be_visible()
    expect(card.get_by_text("Too small")).to_be_visible()
    expect(card.get_by_text("left)")).to_be_visible()
    screenshot(page, "order-detail-buyer-request")
    card.get_by_text("Reject…").click()  # TikTok's reasons for this request, read live
    expect(card.get_by_label("TikTok's reason")).to_be_visible()
    assert card.get_by_label("TikTok's reason").locator("option").count() > 1
    screenshot(page, "order-detail-buyer-request-reject-form", full_page=False)
    card.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("Approval sent to TikTok; its answer appears")).to_be_visible()
    card = page.get_by_role("region", name="Buyer requests")
    expect(card.get_by_text("TikTok accepted the approval")).to_be_visible()
    expect(card.get_by_role("button", name="Approve")).to_have_count(0)
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.get_by_text("Approval sent to TikTok").first).to_be_visible()
    assert sim_order.returns[-1]["return_status"] != "RETURN_OR_REFUND_REQUEST_PENDING"
    screenshot(page, "order-detail-buyer-request-approved")
