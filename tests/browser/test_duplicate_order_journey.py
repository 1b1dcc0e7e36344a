"""A user of two shops that both hold one order id (imported before that was refused) picks the
shop, works on that copy, and the other copy is untouched."""

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from orders.models import OrderEvent
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ORDER_ID = "576800000000000077"


def test_an_order_id_in_two_shops_opens_the_chosen_copy(page, shop, other_shop, admin):
    membership_grant(shop=other_shop, user=admin, role=Role.FULFILMENT, actor=None)
    ours = OrderFactory(shop=shop, order_id=ORDER_ID, status="AWAITING_SHIPMENT")
    theirs = OrderFactory(shop=other_shop, order_id=ORDER_ID, status="DELIVERED")
    sign_in(page, admin.email)
    page.wait_for_url(HOME)
    page.goto(f"/orders/{ORDER_ID}/")
    assert page.get_by_role("heading", name=f"Order {ORDER_ID} is in 2 of your shops").is_visible()
    screenshot(page, "order-in-two-shops")

    page.get_by_role("link", name=other_shop.name).click()
    page.wait_for_url(f"**/orders/{ORDER_ID}/?shop={other_shop.slug}")
    assert page.locator(".detail-head").get_by_text(other_shop.name).is_visible()
    page.get_by_label("Internal note").fill("This copy came from the UK file.")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"**/orders/{ORDER_ID}/?shop={other_shop.slug}")
    assert page.get_by_text("Note added to the timeline.").is_visible()
    notes = OrderEvent.objects.filter(kind="note")
    assert list(notes.values_list("order_id", flat=True)) == [theirs.pk]
    assert ours.events.filter(kind="note").count() == 0
