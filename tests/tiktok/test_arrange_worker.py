"""TikTok's own shipping with a real Celery worker (PostgreSQL, Redis): arrangements sent
after commit, the documents fetched by the worker's task (asked again while TikTok is still
making them) and kept as files, and a refusal taken back in the worker's transaction."""

import time

import pytest
from django.core.cache import cache

from demo.tiktok_simulator import documents as sim_documents
from orders.models import OrderEvent
from orders.platform import platform_for
from orders.services.arrange import order_shipment_arrange
from orders.statuses import EventKind, OrderStatus
from tests.accounts.factories import ShopFactory, member
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.tiktok.outbox_world import GB, US
from tiktok.models import ShippingDocument, TikTokAction

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "tiktok-arrange-test"


def _wait(condition, what: str, seconds: float = 40):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.1)


def _kept(order) -> int:
    return ShippingDocument.objects.filter(order=order, fetched_at__isnull=False).count()


def test_a_worker_arranges_fetches_the_documents_and_undoes_a_refusal(
    postgres, shop, packer, world, settings, monkeypatch
):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), the workers' broker")
    settings.TIKTOK_ACTION_QUEUE = QUEUE
    cache.clear()
    monkeypatch.setattr(sim_documents, "STILL_GENERATING_ONE_IN", 1)  # every first ask
    gb = world.connect(shop, GB)
    env = world.env(TIKTOK_ACTION_QUEUE=QUEUE, TIKTOK_DOCUMENT_RETRY_SECONDS="1")
    worker = start_worker(queues=QUEUE, name="arrange-one", env=env)
    try:
        wait_until_ready(worker, queue=QUEUE)
        sim_pickup, pickup = world.order(gb, GB, seller=False)
        order_shipment_arrange(order=pickup, actor=packer, first_offered=True)
        sim_refused, refused = world.order(gb, GB, seller=False)
        assert platform_for(refused).handover_options(refused).methods  # as the page read it
        sim_refused.data["is_buyer_request_cancel"] = True  # then the buyer asks
        order_shipment_arrange(order=refused, actor=packer, method="DROP_OFF")
        other = ShopFactory(slug="us-shop", name="US Shop")
        us_packer = member(shop=other, role="fulfilment", email="us-packer@example.test")
        us = world.connect(other, US)
        sim_label, us_shop_order = world.order(us, US, seller=False)
        order_shipment_arrange(order=us_shop_order, actor=us_packer, method="DROP_OFF")

        _wait(lambda: _kept(pickup) == 2, "the pick-up's documents")
        _wait(lambda: _kept(us_shop_order) == 2, "the US label's documents")
        _wait(
            lambda: TikTokAction.objects.filter(order=refused, state="refused").exists(),
            "TikTok's refusal",
        )
    finally:
        stop_worker(worker)

    assert sim_pickup.handover["method"] == "PICKUP" and sim_pickup.handover["pickup_slot"]
    assert sim_label.data["status"] == "AWAITING_COLLECTION"
    pickup.refresh_from_db()
    package = pickup.packages.get()
    assert package.tracking_number == sim_pickup.data["tracking_number"]
    label = ShippingDocument.objects.get(package=package, document_type="SHIPPING_LABEL")
    assert label.file.read().startswith(b"%PDF-") and not label.problem
    refused.refresh_from_db()
    assert refused.status == OrderStatus.AWAITING_SHIPMENT
    assert OrderEvent.objects.filter(order=refused, kind=EventKind.REFUSED).exists()
