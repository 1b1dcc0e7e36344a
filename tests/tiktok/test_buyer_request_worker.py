"""Answers to buyers' requests sent by a real Celery worker (PostgreSQL, Redis) to the
simulated TikTok: each kind of answer reaches TikTok once after the commit, and the worker
reads the request back so the portal holds TikTok's state."""

import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction

from orders.services.buyer_requests import buyer_request_answer
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.tiktok.outbox_world import US
from tests.tiktok.request_world import cancellation_asked, return_asked, tiktok_reasons
from tiktok.models import TikTokAction

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "tiktok-requests-test"


def _wait(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.1)


def _settled(order) -> bool:
    return TikTokAction.objects.filter(order=order, state__in=["done", "refused"]).exists()


def test_a_worker_sends_each_answer_and_reads_the_request_back(
    postgres, shop, cs_agent, world, settings
):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), the workers' broker")
    settings.TIKTOK_ACTION_QUEUE = QUEUE
    cache.clear()
    shop.refund_limit = Decimal("1000.00")  # customer service answers alone
    shop.save(update_fields=["refund_limit"])
    connection = world.connect(shop, US)
    asked = {
        "approve_cancel": cancellation_asked(world, connection),
        "reject_cancel": cancellation_asked(world, connection),
        "approve_return": return_asked(world, connection, "RETURN_AND_REFUND"),
        "reject_return": return_asked(world, connection, "REFUND"),
    }
    worker = start_worker(queues=QUEUE, name="requests", env=world.env(TIKTOK_ACTION_QUEUE=QUEUE))
    try:
        wait_until_ready(worker, queue=QUEUE)
        for kind, (_, order, request) in asked.items():
            approve = kind.startswith("approve")
            reason = ""
            if not approve:
                reason = tiktok_reasons(connection, request)[0].name
            with transaction.atomic():
                buyer_request_answer(
                    buyer_request=request, actor=cs_agent, approve=approve, reject_reason=reason
                )
            _wait(lambda order=order: _settled(order), f"the worker's {kind}")
    finally:
        stop_worker(worker)

    for kind, (sim_order, order, request) in asked.items():
        action = TikTokAction.objects.get(order=order)
        assert (action.kind, action.state, action.attempts) == (kind, "done", 1), kind
        record = sim_order.cancellation if kind.endswith("cancel") else sim_order.returns[-1]
        status = record["cancel_status" if kind.endswith("cancel") else "return_status"]
        request.refresh_from_db()
        assert request.status == status and request.answer == "", kind
        assert not request.awaits_seller or request.status == "AWAITING_BUYER_SHIP", kind
