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
    page.get_by_role("link", name=order.order_id).first.click()
    page.wait_for_url(f"**/orders/{order.order_id}/")
    assert page.get_by_role("heading", name=f"Order {order.order_id}").is_visible()
    assert page.get_by_text("Maria Lopez").is_visible()
    assert page.get_by_text("Please ring twice").is_visible()
    assert page.get_by_role("heading", name="Timeline").is_visible()
    tracking = order.packages.get().tracking_number
    assert page.get_by_text(tracking).is_visible()
    screenshot(page, "order-detail")

    page.get_by_label("Internal note").fill("Buyer called: leave with the neighbour at no. 12")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"**/orders/{order.order_id}/")
    assert page.get_by_text("Note added to the timeline.").is_visible()
    assert page.locator(".timeline").get_by_text("leave with the neighbour").is_visible()
