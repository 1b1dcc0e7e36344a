"""Customer service opens an order from the list and reads everything about it."""

import pytest

from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_service_opens_an_order_from_a_search(page, shop, cs_agent):
    order = OrderFactory(
        shop=shop,
        status="IN_TRANSIT",
        order_id="576800000000000001",
        recipient_name="Maria Lopez",
        buyer_message="Please ring twice",
    )
    OrderFactory.create_batch(3, shop=shop)
    sign_in(page, cs_agent.email)
    page.wait_for_url(HOME)
    page.goto("/orders/")
    page.get_by_label("Search").fill(order.order_id)
    page.get_by_label("Search").press("Enter")
    # The search's answer offers the order itself; wait for it rather than clicking a row of
    # the list it replaces (the filter chip's "Remove Search: …" link also names the id).
    found = page.locator(".message").get_by_role("link", name=order.order_id, exact=True)
    found.click()
    page.wait_for_url(f"**/orders/{order.order_id}/")
    assert page.get_by_role("heading", name=f"Order {order.order_id}").is_visible()
    assert page.get_by_text("Maria Lopez").is_visible()
    assert page.get_by_text("Please ring twice").is_visible()
    assert page.get_by_role("heading", name="Timeline").is_visible()
    tracking = order.packages.get().tracking_number
    assert page.locator(".package").get_by_text(tracking).is_visible()
    screenshot(page, "order-detail")

    page.get_by_role("link", name="Packing slip").click()
    page.wait_for_url(f"**/orders/{order.order_id}/packing-slip/")
    assert page.get_by_text("Please ring twice").is_visible()
    screenshot(page, "packing-slip")
    page.go_back()

    page.get_by_label("Internal note").fill("Buyer called: leave with the neighbour at no. 12")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"**/orders/{order.order_id}/")
    assert page.get_by_text("Note added to the timeline.").is_visible()
    assert page.locator(".timeline").get_by_text("leave with the neighbour").is_visible()


def test_refund_above_the_limit_is_approved_by_an_administrator(
    new_page, shop, cs_agent, admin, viewer, mailoutbox
):
    shop.refund_limit = 5
    shop.save(update_fields=["refund_limit"])
    order = OrderFactory(
        shop=shop,
        status="DELIVERED",
        order_id="576800000000000002",
        recipient_name="Sam Carter",
        refunded_amount=0,
    )
    order.refunds.all().delete()
    url = f"/orders/{order.order_id}/"

    cs = new_page()
    sign_in(cs, cs_agent.email)
    cs.wait_for_url(HOME)
    cs.goto(url)
    assert cs.locator(".package").get_by_text(order.packages.get().tracking_number).is_visible()
    cs.get_by_text("Message the buyer…").click()
    cs.get_by_label("Message").fill("Sorry about the damaged item, we are refunding it.")
    cs.get_by_role("button", name="Send to buyer").click()
    assert cs.get_by_text("Message sent to the buyer.").is_visible()
    cs.get_by_text("Refund…").click()
    cs.get_by_label("Amount").fill("12.00")
    cs.get_by_label("Reason").fill("Damaged on arrival")
    cs.get_by_role("button", name="Refund", exact=True).click()
    assert cs.get_by_text("waits for an administrator's approval").is_visible()
    screenshot(cs, "order-detail-customer-service")

    boss = new_page()
    sign_in(boss, admin.email)
    boss.wait_for_url(HOME)
    boss.goto(url)
    boss.get_by_role("button", name="Approve").click()
    assert boss.get_by_text("Refund approved and completed.").is_visible()
    order.refresh_from_db()
    assert order.refunded_amount == 12

    masked = new_page()
    sign_in(masked, viewer.email)
    masked.wait_for_url(HOME)
    masked.goto(url)
    assert masked.get_by_text("S*** C***").first.is_visible()
    assert masked.get_by_text("Sam Carter").count() == 0
    screenshot(masked, "order-detail-viewer-masked")
    assert len(mailoutbox) == 1
