"""Helpers of the TikTok webhook tests: TikTok's official signed example, notifications as
TikTok shapes them, a signed POST, and a stand-in for the apply task that runs it by hand."""

import json

from django.utils import timezone

from tests.tiktok.fake_tiktok import APP_KEY, APP_SECRET, SHOP
from tiktok.signing import webhook_signature
from tiktok.tasks import tiktok_webhook_apply

URL = "/webhooks/tiktok/"
ORDER = "576486316948490001"
# The official example of TikTok's webhook signature: app key, secret, body and header.
VECTOR_KEY, VECTOR_SECRET = "abcdef", "123"
VECTOR_BODY = (
    b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
    b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
    b'"order_status":"UNPAID","update_time":1718305585}}'
)
VECTOR_SIGNATURE = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"


class Queue(list):
    """Stands for the apply task: what the view queued, run by hand with `run`."""

    def __init__(self):
        super().__init__()
        self.names = []

    def __call__(self, name):
        self.names.append(name)
        return self

    def delay_on_commit(self, *args):
        self.append(args)

    def run(self):
        results = [tiktok_webhook_apply(*args) for args in self]
        self.clear()
        return results


_numbers = iter(range(10**6))


def envelope(kind: int, data: dict, *, shop_id=SHOP["id"], notification=None, at=None) -> dict:
    return {
        "type": kind,
        "tts_notification_id": notification or f"73800662840{next(_numbers):08d}",
        "shop_id": shop_id,
        "timestamp": at or int(timezone.now().timestamp()),
        "data": data,
    }


def post(client, body, *, key=APP_KEY, secret=APP_SECRET, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
    header = webhook_signature(app_key=key, app_secret=secret, body=raw)
    return client.post(
        URL, raw, content_type="application/json", HTTP_AUTHORIZATION=signature or header
    )


def status_note(obj: dict) -> dict:
    return envelope(
        1,
        {
            "order_id": obj["id"],
            "order_status": "CANCEL" if obj["status"] == "CANCELLED" else obj["status"],
            "is_on_hold_order": False,
            "update_time": obj["update_time"],
        },
    )
