"""A shop administrator registers a webhook endpoint (the local receiver), copies its secret,
sends a test event and sees it delivered in the endpoint's log."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, screenshot, sign_in
from tests.webhooks.conftest import receiver  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_registers_an_endpoint_and_sees_a_test_event_delivered(
    page,
    admin,
    receiver,  # noqa: F811
    eager,
):
    sign_in(page, admin.email)
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("URL").fill(f"{receiver.base_url}/ok")
    page.get_by_label("Order created").check()
    page.get_by_label("Description").fill("Our ERP")
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_role("heading", name="Webhook endpoint of North Shop")).to_be_visible()
    secret = page.get_by_test_id("webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    receiver.state.secrets["/ok"] = secret  # the receiver is set up with the copied secret
    page.get_by_role("button", name="Send a test event").click()
    row = page.get_by_test_id("delivery-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Test event")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("HTTP 200")
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)  # shown once only
    [got] = receiver.state.delivered("/ok")
    assert got.verified and got.event["type"] == "test"
    fits_the_screen(page)
    screenshot(page, "webhooks")
