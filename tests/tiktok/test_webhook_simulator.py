"""A notification signed as the simulator signs it (its own signing code, like TikTok's) and
shaped as its world shapes it is taken by the portal's URL; one signed with another secret is
refused with the 401 the simulator does not retry."""

import pytest

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.signing import webhook_signature
from demo.tiktok_simulator.webhooks import WebhookSender
from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, SHOP
from tests.tiktok.webhooks import ORDER, URL, Queue
from tiktok.models import TikTokConnection, TikTokWebhookEvent
from tiktok.services import webhooks as webhooks_module


@pytest.mark.django_db
def test_the_simulator_s_webhooks_are_taken(client, shop, settings, monkeypatch):
    settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = APP_KEY, APP_SECRET
    TikTokConnection.objects.create(shop=shop, tiktok_shop_id=SHOP["id"])
    queue = Queue()
    monkeypatch.setattr(webhooks_module, "registered_task", queue)
    sent = []
    sender = WebhookSender("http://unused.invalid/", app_key=APP_KEY, app_secret=APP_SECRET)
    sender._schedule = lambda due, attempt, body: sent.append(body)
    sender.enqueue(
        {
            "type": c.WEBHOOK_ORDER_STATUS,
            "tts_notification_id": "7380066284010030890",
            "shop_id": SHOP["id"],
            "timestamp": 1718305585,
            "data": {"order_id": ORDER, "order_status": "CANCEL", "update_time": 1718305585},
        }
    )
    (body,) = sent

    def deliver(secret: str) -> int:
        header = webhook_signature(APP_KEY, secret, body)
        return client.post(
            URL, body, content_type="application/json", HTTP_AUTHORIZATION=header
        ).status_code

    assert deliver(APP_SECRET) == 200
    assert deliver("forged") in c.WEBHOOK_FINAL_STATUSES
    assert TikTokWebhookEvent.objects.count() == 1 and len(queue) == 1
