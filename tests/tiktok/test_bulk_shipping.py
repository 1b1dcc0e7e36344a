"""The order list's bulk bar for TikTok-shipped orders: "Arrange shipment" (TikTok's first
handover, through the outbox) and "Print labels" (one PDF), each with a result per order;
bad selections (nothing ticked, too many, another kind of order) change nothing."""

import html
import io

import pytest
from pypdf import PdfReader

from tests.tiktok.arrange_world import documents_at_once  # noqa: F401 - a fixture
from tests.tiktok.outbox_world import GB
from tiktok.models import TikTokAction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_at_once")]


def bulk(client, action, orders, capture):
    """The bulk bar's POST (TikTok told once it commits), then the page it leads to."""
    with capture(execute=True):
        posted = client.post(
            "/orders/bulk/", {"action": action, "ids": [str(o.pk) for o in orders], "query": ""}
        )
    answer = client.get(posted["Location"], follow=True)
    return posted, html.unescape(answer.content.decode())


@pytest.fixture
def three(world, shop):
    connection = world.connect(shop, GB)
    first = world.order(connection, GB, seller=False)
    second = world.order(connection, GB, seller=False)
    own = world.order(connection, GB, seller=True)
    return first, second, own


def test_arrange_then_print_two_tiktok_shipped_orders(
    client, packer, three, django_capture_on_commit_callbacks
):
    (sim_a, a), (sim_b, b), (_, own) = three
    client.force_login(packer)

    _, shown = bulk(client, "arrange", [a, b, own], django_capture_on_commit_callbacks)

    assert "2 of 3 orders arranged" in shown
    assert shown.count("Arranged") >= 2
    assert "Not a TikTok-shipped order" in shown
    assert sim_a.data["status"] == sim_b.data["status"] == "AWAITING_COLLECTION"
    assert sim_a.handover["method"] == "PICKUP" and sim_a.handover["pickup_slot"]  # the first
    assert TikTokAction.objects.filter(kind="arrange", state="done").count() == 2

    answer, shown = bulk(client, "print_labels", [a, b, own], django_capture_on_commit_callbacks)

    assert "2 labels of 3 orders" in shown and shown.count("Label included") == 2
    pdf = client.get(answer["Location"] + "labels.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    assert len(pages) == 2
    assert a.order_id in pages[0].extract_text() and b.order_id in pages[1].extract_text()


def test_labels_before_arranging_say_to_arrange_first(
    client, packer, three, django_capture_on_commit_callbacks
):
    (_, a), _, _ = three
    client.force_login(packer)
    _, shown = bulk(client, "print_labels", [a], django_capture_on_commit_callbacks)
    assert "No label yet: arrange shipment first." in shown
    assert "Open the labels to print" not in shown


def test_tiktok_refusing_one_shows_its_answer_in_the_results(
    client, packer, three, django_capture_on_commit_callbacks
):
    (sim_a, a), (_, b), _ = three
    sim_a.data["is_buyer_request_cancel"] = True
    client.force_login(packer)

    _, shown = bulk(client, "arrange", [a, b], django_capture_on_commit_callbacks)

    assert "1 of 2 orders arranged" in shown
    assert "Refused by TikTok: The buyer has an open cancellation or return request" in shown


def test_too_many_or_none_ticked_changes_nothing(
    client, packer, three, settings, django_capture_on_commit_callbacks
):
    (_, a), (_, b), _ = three
    client.force_login(packer)
    settings.TIKTOK_BULK_MAX_ORDERS = 1

    _, shown = bulk(client, "arrange", [a, b], django_capture_on_commit_callbacks)

    assert "Nothing was done: 2 orders are selected, and one bulk action takes at most 1" in shown
    assert not TikTokAction.objects.exists()
    _, shown = bulk(client, "arrange", [], django_capture_on_commit_callbacks)
    assert "Select at least one order" in shown


def test_a_viewer_has_no_such_bulk_action_and_results_are_the_persons_own(
    client, packer, viewer, three, django_capture_on_commit_callbacks
):
    (_, a), _, _ = three
    client.force_login(viewer)
    answer = client.post("/orders/bulk/", {"action": "arrange", "ids": [str(a.pk)]})
    assert answer.status_code == 403
    client.force_login(packer)
    answer, _ = bulk(client, "arrange", [a], django_capture_on_commit_callbacks)
    results = answer["Location"]
    client.force_login(viewer)
    assert client.get(results).status_code == 403
    client.force_login(packer)
    assert client.get("/tiktok/bulk/0123abcd/").status_code == 404


@pytest.mark.parametrize("action", ["arrange", "print_labels"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 302),
        ("fulfilment", 302),
        ("customer_service", 403),
        ("accountant", 403),
        ("viewer", 403),
    ],
)
def test_who_may_take_each_bulk_action(client, shop, world, action, role, status):
    from tests.accounts.factories import member

    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB, seller=False)
    client.force_login(member(shop=shop, role=role, email=f"{role}@example.test"))

    answer = client.post("/orders/bulk/", {"action": action, "ids": [str(order.pk)]})

    assert answer.status_code == status
    if status == 302:
        assert answer["Location"].startswith("/tiktok/bulk/")
        assert client.get(answer["Location"]).status_code == 200
