"""Whatever a correctly signed TikTok notification holds, the door answers 200 or 400 (never a
500), a refused one records and queues nothing, and the task acting on an accepted one never
fails (tiktok/services/webhooks.py, webhook_apply.py)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import FUZZ
from tests.tiktok.fake_tiktok import SHOP
from tests.tiktok.webhooks import ORDER, Queue, post
from tiktok.models import TikTokWebhookEvent
from tiktok.services import webhooks as webhooks_module
from tiktok.services.tokens import connection_authorize
from tiktok.services.webhook_apply import webhook_order_ids

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
TYPES = st.one_of(st.sampled_from([1, 3, 4, 6, 7, 11, 12, 5, 0, -1, 2**40]), JSON_VALUES)


@st.composite
def notifications(draw) -> bytes:
    """TikTok-shaped notifications with hostile values, or anything at all."""
    data = {
        "order_id": draw(st.one_of(st.just(ORDER), JSON_VALUES)),
        "package_list": draw(st.one_of(st.just([{"order_id_list": [ORDER]}]), JSON_VALUES)),
        "expiration_time": draw(st.one_of(st.just("1900000000"), JSON_VALUES)),
        "message": draw(st.one_of(st.just("bye\x00"), JSON_VALUES)),
    }
    shaped = {
        "type": draw(TYPES),
        "tts_notification_id": draw(st.one_of(st.text(max_size=80), JSON_VALUES)),
        "shop_id": draw(st.one_of(st.just(SHOP["id"]), JSON_VALUES)),
        "timestamp": draw(st.one_of(st.integers(), JSON_VALUES)),
        "data": draw(st.one_of(st.just(data), JSON_VALUES)),
    }
    raw = json.dumps(draw(st.one_of(st.just(shaped), JSON_VALUES))).encode()
    return draw(st.one_of(st.just(raw), st.binary(max_size=200), st.just(raw + b"\x00")))


@pytest.mark.django_db
@FUZZ
@given(raw=notifications())
def test_signed_notifications_are_taken_or_refused_and_never_fail(
    client, shop, tiktok_settings, api, tiktok, monkeypatch, raw
):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    connection.tiktok_shop_id, connection.shop_cipher = SHOP["id"], SHOP["cipher"]
    connection.save()
    queue = Queue()
    monkeypatch.setattr(webhooks_module, "registered_task", queue)
    recorded = TikTokWebhookEvent.objects.count()

    response = post(client, raw)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert TikTokWebhookEvent.objects.count() == recorded and not queue
    for result in queue.run():
        assert isinstance(result, dict)


def test_only_order_ids_that_are_digits_are_asked_for():
    envelope = {
        "data": {
            "order_id": "\u00b2",  # str.isdigit() says yes; TikTok's ids are ASCII digits
            "package_list": [{"order_id_list": [12, True, "1" * 40, "12", None]}, "x"],
        }
    }
    assert webhook_order_ids(envelope) == ["12"]
    assert webhook_order_ids({"data": ["not", "an", "object"]}) == []
