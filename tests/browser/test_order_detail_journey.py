"""Customer service opens an order from the list and reads everything about it."""

import re

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import membership_grant
from orders.models import Refund
from orders.services.refunds import refund_request
from orders.services.status import order_status_change
from orders.statuses import ActorType, RefundStatus
from tests.accounts.factories import ShopFactory
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

    expect(page.get_by_role("link", name="Packing slip")).to_have_count(0)  # not a packer

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
        refunds=False,
    )
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


def test_a_delivered_order_on_a_phone_for_someone_of_two_shops(phone_page, shop, cs_agent):
    """Lines follow the order, the timeline speaks in words, each time names its shop's zone
    for a user of two shops, replies fit a delivered order, and the items table fits a 390 px
    screen."""
    kl = ShopFactory(
        slug="kl-shop", name="KL Shop", market="MY", currency="MYR", timezone="Asia/Kuala_Lumpur"
    )
    membership_grant(shop=kl, user=cs_agent, role=Role.VIEWER, actor=None)
    order = OrderFactory(shop=shop, status="IN_TRANSIT", order_id="576800000000000003")
    order.lines.update(display_status="AWAITING_SHIPMENT")  # as orders stored before were
    order.packages.update(tracking_status="DELIVERED")  # the carrier's news, then the order's
    with transaction.atomic():  # as the carrier's task does: the service locks the order
        order_status_change(order=order, new_status="DELIVERED", actor_type=ActorType.CARRIER)
    page = phone_page
    sign_in(page, cs_agent.email)
    page.wait_for_url(HOME)
    page.goto(f"/orders/{order.order_id}/?shop={shop.slug}")

    items = page.locator(".lines-table")
    expect(items.get_by_text("Delivered").first).to_be_visible()
    expect(items.get_by_text("Awaiting shipment")).to_have_count(0)
    timeline = page.locator(".timeline")
    expect(timeline.get_by_text("In transit → Delivered")).to_be_visible()
    assert not re.search(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b", timeline.inner_text())
    expect(page.locator(".timeline time").first).to_have_text(re.compile(r"\d{2}:\d{2} PST$"))
    items.scroll_into_view_if_needed()
    screenshot(page, "order-detail-phone-items", full_page=False)
    page.get_by_text("Message the buyer…").click()
    page.get_by_text("Ready-made replies").click()
    expect(page.get_by_role("link", name="Delivered", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Where is my order")).to_have_count(0)
    timeline.scroll_into_view_if_needed()
    screenshot(page, "order-detail-phone-timeline", full_page=False)
    fits = page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert fits, "the order page scrolls sideways on a phone"

    OrderFactory(shop=kl, status="AWAITING_SHIPMENT", order_id="576800000000000004")
    page.goto("/orders/")
    rows = page.locator(".orders-table tbody tr")
    expect(rows.filter(has_text="576800000000000004").locator("time").first).to_have_text(
        re.compile(r"\d{2}:\d{2} UTC\+8$")
    )
    expect(rows.filter(has_text=order.order_id).locator("time").first).to_have_text(
        re.compile(r"\d{2}:\d{2} PST$")
    )
    rows.first.scroll_into_view_if_needed()
    screenshot(page, "order-list-two-shops-phone", full_page=False)


def test_the_order_page_offers_each_role_only_what_it_may_do(
    new_page, shop, admin, cs_agent, packer, accountant
):
    """No refund or tracking form on an unpaid order, a waiting refund says who decides, refund
    lines name the currency, the packing slip is for those who fulfil, and an address without
    a street has no empty line."""
    unpaid = OrderFactory(shop=shop, status="UNPAID", order_id="576800000000000011")
    waiting = OrderFactory(
        shop=shop,
        status="AWAITING_SHIPMENT",
        order_id="576800000000000012",
        recipient_name="Mikayla Brown",
        address_line1="",
        address_line2="",
        refunds=False,
    )
    refund_request(order=waiting, actor=admin, reason="Parcel lost, customer asked", amount="2.50")
    Refund.objects.create(
        order=waiting,
        amount=3,
        reason="Missing item in package",
        status=RefundStatus.REQUESTED,
        requested_at=timezone.now(),
    )

    boss = new_page()
    sign_in(boss, admin.email)
    boss.wait_for_url(HOME)
    boss.goto(f"/orders/{unpaid.order_id}/")
    refunds = boss.locator("section[aria-labelledby=h-refunds]")
    expect(refunds.get_by_text("The buyer never paid for this order")).to_be_visible()
    expect(boss.get_by_text("Refund…")).to_have_count(0)
    expect(boss.get_by_label("Tracking number")).to_have_count(0)
    screenshot(boss, "order-detail-unpaid")

    boss.goto(f"/orders/{waiting.order_id}/")
    address = boss.locator("section[aria-labelledby=h-ship] address").first
    assert "\n\n" not in address.inner_text()
    expect(address).to_contain_text("Mikayla Brown")
    expect(boss.locator(".timeline")).to_contain_text(
        "Refund completed — 2.50 USD · Parcel lost, customer asked"
    )
    boss.get_by_text("Refund…").click()
    expect(boss.get_by_text(f"Include shipping ({waiting.shipping_fee} USD)")).to_be_visible()
    screenshot(boss, "order-detail-refund-lines")

    cs = new_page()
    sign_in(cs, cs_agent.email)
    cs.wait_for_url(HOME)
    cs.goto(f"/orders/{waiting.order_id}/")
    expect(cs.get_by_text("Waiting for a shop administrator’s decision.")).to_be_visible()
    expect(cs.get_by_role("button", name="Approve")).to_have_count(0)
    cs.locator("section[aria-labelledby=h-refunds]").scroll_into_view_if_needed()
    screenshot(cs, "order-detail-refund-waiting-cs", full_page=False)

    books = new_page()
    sign_in(books, accountant.email)
    books.wait_for_url(HOME)
    books.goto(f"/orders/{waiting.order_id}/")
    expect(books.get_by_role("link", name="Packing slip")).to_have_count(0)
    screenshot(books, "order-detail-accountant", full_page=False)

    packing = new_page()
    sign_in(packing, packer.email)
    packing.wait_for_url(HOME)
    packing.goto(f"/orders/{waiting.order_id}/")
    packing.get_by_role("link", name="Packing slip").click()
    packing.wait_for_url(f"**/orders/{waiting.order_id}/packing-slip/")
    expect(packing.get_by_text("Mikayla Brown")).to_be_visible()
    screenshot(packing, "packing-slip")
