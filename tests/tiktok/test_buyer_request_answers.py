"""Customer service answers buyers' requests from the order page of a connected shop: each
answer reaches the simulated TikTok through the outbox, TikTok's answer shows on the page
and in the timeline, a refusal rolls the local change back to TikTok's state, nothing is
sent twice, and approvals above the shop's refund limit wait for an administrator."""

import html
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from orders.exceptions import RequestAnswerRefused
from orders.models import BuyerRequest, OrderEvent, Refund
from orders.services.buyer_requests import buyer_request_answer
from orders.statuses import EventKind, RefundStatus
from sellercenter.celery import app
from tests.tiktok.outbox_world import US
from tests.tiktok.request_world import cancellation_asked, read_in, return_asked, tiktok_reasons
from tiktok.client import TikTokClient
from tiktok.models import TikTokAction
from tiktok.services.actions import action_send_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(eager, shop):
    cache.clear()
    shop.refund_limit = Decimal("1000.00")  # customer service answers alone, unless lowered
    shop.save(update_fields=["refund_limit"])


def page(client, order) -> str:
    return html.unescape(client.get(f"/orders/{order.order_id}/").content.decode())


def answer(client, order, request, capture, *, execute=True, **data):
    with capture(execute=execute):
        return client.post(f"/orders/{order.order_id}/requests/{request.pk}/", data, follow=True)


def said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_customer_service_approves_a_cancellation_and_tiktok_cancels(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order, request = cancellation_asked(world, connection)
    client.force_login(cs_agent)
    shown = page(client, order)
    assert "Buyer asked to cancel" in shown and "Changed my mind" in shown
    assert "left)" in shown and 'value="approve"' in shown

    response = answer(
        client, order, request, django_capture_on_commit_callbacks, decision="approve"
    )

    assert "Approval sent to TikTok" in said(response)
    action = TikTokAction.objects.get(order=order)
    assert (action.kind, action.state, action.attempts) == ("approve_cancel", "done", 1)
    assert action.actor == cs_agent
    assert sim_order.cancellation["cancel_status"] != "CANCELLATION_REQUEST_PENDING"
    request.refresh_from_db()
    assert request.status == sim_order.cancellation["cancel_status"]  # read back
    assert (request.answer, request.awaits_seller) == ("", False)
    order.refresh_from_db()
    assert order.status == "CANCELLED"  # TikTok cancelled it; the order was read back
    shown = page(client, order)
    assert "TikTok accepted the approval" in shown
    assert 'value="approve"' not in shown
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.REQUEST) >= 3  # asked, answered, TikTok's new state


def test_a_rejection_takes_one_of_tiktoks_reasons_and_a_comment(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order, request = return_asked(world, connection, "REFUND")
    client.force_login(cs_agent)
    reasons = tiktok_reasons(connection, request)
    shown = page(client, order)
    assert reasons and all(reason.text in shown for reason in reasons)

    refused = answer(
        client,
        order,
        request,
        django_capture_on_commit_callbacks,
        decision="reject",
        reason="not_one_of_tiktoks",
    )
    assert "Choose one of TikTok's reasons" in html.unescape(said(refused))
    assert not TikTokAction.objects.exists()

    response = answer(
        client,
        order,
        request,
        django_capture_on_commit_callbacks,
        decision="reject",
        reason=reasons[0].name,
        comment="The photos show it intact",
    )

    assert "Rejection sent to TikTok" in said(response)
    action = TikTokAction.objects.get()
    assert (action.kind, action.state) == ("reject_return", "done")
    assert action.payload["decision"] == "REJECT_REFUND"
    assert action.payload["reject_reason"] == reasons[0].name
    record = sim_order.returns[-1]
    assert record["return_status"] == "REFUND_OR_RETURN_REQUEST_REJECT"
    request.refresh_from_db()
    assert request.status == "REFUND_OR_RETURN_REQUEST_REJECT"
    entry = order.events.filter(kind=EventKind.REQUEST, payload__answer="reject").get()
    assert entry.payload["reject_reason_text"] == reasons[0].text


def test_an_approval_after_the_deadline_is_refused_here_and_nothing_is_sent(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    _, order, request = cancellation_asked(world, connection)
    BuyerRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(cs_agent)

    response = answer(
        client, order, request, django_capture_on_commit_callbacks, decision="approve"
    )

    assert "The deadline to answer passed" in said(response)
    assert not TikTokAction.objects.exists()


def test_tiktok_already_handled_the_request_the_answer_is_rolled_back_visibly(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    """Someone approved it in TikTok Seller Center after the page was opened: TikTok refuses
    our rejection, the request is read back as TikTok has it, the page and timeline say so."""
    connection = world.connect(shop, US)
    sim_order, order, request = cancellation_asked(world, connection)
    client.force_login(cs_agent)
    reason = tiktok_reasons(connection, request)[0]
    page(client, order)  # the reasons, cached as the person saw them

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            f"/orders/{order.order_id}/requests/{request.pk}/",
            {"decision": "reject", "reason": reason.name},
        )
    request.refresh_from_db()
    assert (request.answer, request.awaits_seller) == ("reject", False)
    TikTokClient.from_settings().approve_cancellation(
        access_token=connection.access_token,
        shop_cipher=connection.shop_cipher,
        cancel_id=request.request_id,
        idempotency_key="seller-center",
    )
    for callback in callbacks:
        callback()

    action = TikTokAction.objects.get(order=order)
    assert action.state == "refused" and action.response_code == 25011011
    request.refresh_from_db()
    assert request.answer == "" and request.status == sim_order.cancellation["cancel_status"]
    refusal = order.events.get(kind=EventKind.REFUSED)
    assert "answered already" in refusal.payload["message"]
    shown = page(client, order)
    assert "TikTok did not take the rejection" in shown
    assert "Refused by TikTok" in shown


def test_a_double_click_sends_one_answer(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    _, order, request = cancellation_asked(world, connection)
    client.force_login(cs_agent)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(
            f"/orders/{order.order_id}/requests/{request.pk}/", {"decision": "approve"}
        )
        second = client.post(
            f"/orders/{order.order_id}/requests/{request.pk}/",
            {"decision": "approve"},
            follow=True,
        )
    assert first.status_code == 302
    assert "Approval sent to TikTok" in html.unescape(said(second))
    assert TikTokAction.objects.filter(order=order).count() == 1


def test_two_people_at_once_one_answer_and_a_clear_message(
    shop, cs_agent, admin, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    _, order, request = cancellation_asked(world, connection)
    with django_capture_on_commit_callbacks(execute=False):
        assert buyer_request_answer(buyer_request=request, actor=cs_agent, approve=True)
        with pytest.raises(Exception, match="Someone answered this request a moment ago"):
            buyer_request_answer(
                buyer_request=request,
                actor=admin,
                approve=False,
                reject_reason="x",
            )
    assert TikTokAction.objects.filter(order=order).count() == 1


def test_tiktok_down_is_retried_then_the_page_says_the_answer_was_not_given(
    client, cs_agent, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1  # retried by hand below
    settings.TIKTOK_ACTION_MAX_ATTEMPTS = 2
    connection = world.connect(shop, US)
    sim_order, order, request = cancellation_asked(world, connection)
    client.force_login(cs_agent)
    world.sim.fault_add("unavailable")

    answer(client, order, request, django_capture_on_commit_callbacks, decision="approve")

    action = TikTokAction.objects.get()
    assert (action.state, action.attempts) == ("pending", 1)
    shown = page(client, order)
    assert "TikTok did not answer yet about the approval" in shown
    assert "tries again by itself" in shown
    world.sim.fault_add("unavailable", 5)  # the retry reads the request first: it fails too
    assert action_send_now(action_id=action.pk) == "failed"

    request.refresh_from_db()
    assert request.answer == "" and request.awaits_seller  # the buyer still waits for one
    assert sim_order.cancellation["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    refusal = order.events.get(kind=EventKind.REFUSED)
    assert "did not answer after 2 attempts" in refusal.payload["message"]
    assert 'value="approve"' in page(client, order)  # it may be answered again


def test_the_retry_after_a_lost_answer_reads_the_request_and_sends_nothing_again(
    shop, cs_agent, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    connection = world.connect(shop, US)
    sim_order, order, request = cancellation_asked(world, connection)
    with django_capture_on_commit_callbacks(execute=False):
        buyer_request_answer(buyer_request=request, actor=cs_agent, approve=True)
    action = TikTokAction.objects.get()
    TikTokClient.from_settings().approve_cancellation(  # our first attempt, its answer lost
        access_token=connection.access_token,
        shop_cipher=connection.shop_cipher,
        cancel_id=request.request_id,
        idempotency_key=str(action.pk),
    )
    TikTokAction.objects.filter(pk=action.pk).update(attempts=1)

    assert action_send_now(action_id=action.pk) == "done"
    action.refresh_from_db()
    assert action.response_message == "TikTok already moved the request on"


@pytest.fixture
def limited(shop, world):
    """(connection, simulated order, order, request): a refund request above the shop's
    refund limit of 1.00."""
    shop.refund_limit = Decimal("1.00")
    shop.save(update_fields=["refund_limit"])
    connection = world.connect(shop, US)
    return (connection, *return_asked(world, connection, "REFUND"))


def test_above_the_refund_limit_an_administrator_approves_then_tiktok_is_told(
    client, cs_agent, admin, world, limited, django_capture_on_commit_callbacks
):
    connection, sim_order, order, request = limited
    client.force_login(cs_agent)
    assert "approving asks a shop administrator first" in page(client, order)

    response = answer(
        client, order, request, django_capture_on_commit_callbacks, decision="approve"
    )

    assert "waits for an administrator's approval" in html.unescape(said(response))
    assert not TikTokAction.objects.exists()
    refund = Refund.objects.get(buyer_request=request)
    assert (refund.status, refund.amount, refund.requested_by) == (
        RefundStatus.REQUESTED,
        request.refund_total,
        cs_agent,
    )
    client.force_login(admin)
    listed = client.get("/orders/", {"needs_action": "refund_approval"}).context["page"].rows
    assert [row.order.order_id for row in listed] == [order.order_id]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/orders/{order.order_id}/refunds/{refund.pk}/", {"decision": "approve"})

    action = TikTokAction.objects.get()
    assert (action.kind, action.state, action.actor) == ("approve_return", "done", admin)
    assert action.payload["decision"] == "APPROVE_REFUND"
    refund.refresh_from_db()
    assert (refund.status, refund.approved_by) == (RefundStatus.APPROVED, admin)
    assert sim_order.returns[-1]["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    world.sim.world.order_advance(sim_order.id)  # TikTok refunds
    read_in(connection, "return", request.request_id)
    refund.refresh_from_db()
    assert (refund.status, refund.amount) == (RefundStatus.COMPLETED, request.refund_total)
    assert Refund.objects.filter(buyer_request=request).count() == 1
    assert not client.get("/orders/", {"needs_action": "refund_approval"}).context["page"].rows


def test_an_administrator_rejecting_the_waiting_refund_sends_nothing(
    client, cs_agent, admin, limited, django_capture_on_commit_callbacks
):
    _, sim_order, order, request = limited
    with django_capture_on_commit_callbacks(execute=True):
        buyer_request_answer(buyer_request=request, actor=cs_agent, approve=True)
    refund = Refund.objects.get(buyer_request=request)
    client.force_login(admin)

    client.post(f"/orders/{order.order_id}/refunds/{refund.pk}/", {"decision": "reject"})

    assert not TikTokAction.objects.exists()
    refund.refresh_from_db()
    request.refresh_from_db()
    assert refund.status == RefundStatus.REJECTED
    assert (request.answer, request.awaits_seller) == ("", True)  # to be answered again
    assert sim_order.returns[-1]["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING"


def test_a_refund_tiktok_made_is_counted_once_and_the_local_form_is_refused(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order, request = return_asked(world, connection, "REFUND")
    refunded = order.refunded_amount
    with django_capture_on_commit_callbacks(execute=True):
        buyer_request_answer(buyer_request=request, actor=cs_agent, approve=True)
    world.sim.world.order_advance(sim_order.id)  # TikTok refunds in its time: now
    read_in(connection, "return", request.request_id)
    read_in(connection, "return", request.request_id)  # again: nothing new

    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    assert order.refunded_amount == refunded + request.refund_total
    refund = Refund.objects.get(buyer_request=request)
    assert (refund.status, refund.amount) == ("COMPLETED", request.refund_total)
    client.force_login(cs_agent)
    refused = client.post(
        f"/orders/{order.order_id}/refunds/", {"amount": "1.00", "reason": "Late"}, follow=True
    )
    assert "a refund typed here would refund nothing" in html.unescape(said(refused))
    assert "Refund…" not in page(client, order)


def test_a_viewer_sees_the_request_but_no_answer(client, viewer, shop, world):
    connection = world.connect(shop, US)
    _, order, _ = cancellation_asked(world, connection)
    client.force_login(viewer)
    shown = page(client, order)
    assert "Buyer asked to cancel" in shown and 'value="approve"' not in shown


def test_events_say_tiktoks_answer_in_words(shop, world):
    connection = world.connect(shop, US)
    _, order, _ = cancellation_asked(world, connection)
    entry = OrderEvent.objects.filter(order=order, kind=EventKind.REQUEST).first()
    assert entry.actor_type == "tiktok" and entry.payload["source"] == "webhook"


@pytest.mark.django_db(transaction=True)
def test_two_people_at_the_same_moment_send_one_answer(
    postgres, shop, cs_agent, admin, world, settings
):
    """Each in their own transaction and connection: the order's row lock makes the second
    wait, then find the first one's answer. The answer stays on its way (queued where no
    worker reads, not run at once as this module's tasks are): sent and taken by TikTok
    before the second looks, it would be cleared until TikTok's request is read back."""
    app.conf.task_always_eager = False  # the `eager` fixture puts it back afterwards
    settings.TIKTOK_ACTION_QUEUE = "held-by-this-test"
    connection = world.connect(shop, US)
    _, order, request = cancellation_asked(world, connection)
    start, outcomes = threading.Barrier(2), []

    def act(user, approve: bool):
        try:
            start.wait()
            buyer_request_answer(
                buyer_request=request, actor=user, approve=approve, reject_reason="changed"
            )
            outcomes.append("answered")
        except RequestAnswerRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(cs_agent, True)),
        threading.Thread(target=act, args=(admin, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(
        ["answered", "Someone answered this request a moment ago: the page now shows that answer."]
    )
    assert TikTokAction.objects.filter(order=order).count() == 1


def test_reasons_tiktok_cannot_list_say_so_and_approving_still_works(client, cs_agent, shop, world):
    connection = world.connect(shop, US)
    _, order, _ = cancellation_asked(world, connection)
    world.sim.fault_add("unavailable", 2)
    client.force_login(cs_agent)

    shown = page(client, order)

    assert "TikTok did not answer when asked for its reasons to reject a request" in shown
    assert 'value="approve"' in shown and "Reject the request" not in shown


def test_tiktok_decided_at_its_deadline_first_the_rejection_is_rolled_back(
    client, cs_agent, shop, world, django_capture_on_commit_callbacks
):
    """The deadline passes on TikTok between the click and the send: TikTok approved the
    cancellation itself, refuses our rejection, and the page shows TikTok's decision."""
    connection = world.connect(shop, US)
    sim_order, order, request = cancellation_asked(world, connection)
    reason = tiktok_reasons(connection, request)[0]
    client.force_login(cs_agent)
    page(client, order)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            f"/orders/{order.order_id}/requests/{request.pk}/",
            {"decision": "reject", "reason": reason.name},
        )
    world.sim.world.order_advance(sim_order.id)  # TikTok's deadline: it decides
    assert sim_order.cancellation["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    for callback in callbacks:
        callback()

    action = TikTokAction.objects.get(order=order)
    assert action.state == "refused"
    request.refresh_from_db()
    order.refresh_from_db()
    assert (request.status, request.answer) == ("CANCELLATION_REQUEST_SUCCESS", "")
    assert not request.awaits_seller
    assert order.events.filter(kind=EventKind.REFUSED).exists()
    assert order.status == "CANCELLED"  # the order read back too
    shown = page(client, order)
    assert "TikTok did not take the rejection" in shown and "Cancellation approved" in shown
