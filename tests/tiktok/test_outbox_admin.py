"""The outbox in Django admin: an operator sees each action with TikTok's answer, and may send
a waiting one now; a done, refused or in-flight one is never sent again from there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.factories import ShopFactory
from tests.orders.factories import OrderFactory
from tiktok.models import TikTokAction, TikTokConnection
from tiktok.services import outbox

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/tiktok/tiktokaction/"


@pytest.fixture
def actions():
    shop = ShopFactory()
    connection = TikTokConnection.objects.create(shop=shop, tiktok_shop_id="7009")
    later = timezone.now() + timedelta(hours=1)

    def make(state, **values):
        return TikTokAction.objects.create(
            connection=connection,
            order=OrderFactory(shop=shop),
            kind=TikTokAction.Kind.SHIP,
            payload={"tracking_number": "9400111122223333444455"},
            state=state,
            next_attempt_at=later,
            **values,
        )

    return {
        "waiting": make(TikTokAction.State.PENDING, attempts=2, last_error="TikTok timed out"),
        "refused": make(
            TikTokAction.State.REFUSED,
            response_code=21011022,
            response_message="Invalid tracking number or shipping provider.",
        ),
    }


def test_the_list_says_what_tiktok_answered(client, superuser, actions):
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert "21011022: Invalid tracking number or shipping provider." in page
    assert "TikTok timed out" in page
    assert "Refused by TikTok" in page and "Waiting to be sent" in page


def test_send_now_queues_only_the_waiting_rows(client, superuser, actions, monkeypatch):
    queued = []
    monkeypatch.setattr(outbox, "action_enqueue", queued.append)
    monkeypatch.setattr("tiktok.admin.action_enqueue", queued.append)
    client.force_login(superuser)
    response = client.post(
        CHANGELIST,
        {
            "action": "send_now",
            "_selected_action": [actions["waiting"].pk, actions["refused"].pk],
        },
        follow=True,
    )
    assert "1 waiting action queued; 1 not waiting, left alone." in response.content.decode()
    assert queued == [actions["waiting"].pk]
    waiting = TikTokAction.objects.get(pk=actions["waiting"].pk)
    assert waiting.next_attempt_at <= timezone.now()
    refused = TikTokAction.objects.get(pk=actions["refused"].pk)
    assert refused.state == TikTokAction.State.REFUSED and refused.next_attempt_at > timezone.now()


def test_a_row_cannot_be_edited(client, superuser, actions):
    client.force_login(superuser)
    url = f"{CHANGELIST}{actions['refused'].pk}/change/"
    assert client.get(url).status_code == 200  # viewable
    client.post(url, {"state": "pending"})
    assert TikTokAction.objects.get(pk=actions["refused"].pk).state == TikTokAction.State.REFUSED
