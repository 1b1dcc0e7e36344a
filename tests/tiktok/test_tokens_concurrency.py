"""Two workers meet an expired token at once: one refresh, both go on with the new token
(real row locks, so PostgreSQL only)."""

import threading

import pytest
from django.db import connection as db_connection

from tests.tiktok.fake_tiktok import ACCESS_TOKEN, ok, token_data
from tiktok.exceptions import TokenExpired
from tiktok.models import TikTokConnection
from tiktok.services.tokens import connection_authorize, connection_call

TOKEN_REFRESH = "/api/v2/token/refresh"


@pytest.mark.django_db(transaction=True)
def test_two_workers_with_an_expired_token_refresh_it_once(
    postgres, shop, tiktok_settings, api, tiktok
):
    connection = connection_authorize(shop=shop, auth_code="ROW_code", client=api)
    tiktok.reply(TOKEN_REFRESH, ok(token_data("TTP_new", "TTP_new_refresh")), delay=0.3, times=2)
    barrier, used = threading.Barrier(2), []

    def call(token):
        if token == ACCESS_TOKEN:
            raise TokenExpired("Expired credentials.", code=105002)
        return token

    def worker():
        barrier.wait()
        try:
            mine = TikTokConnection.objects.get(pk=connection.pk)
            used.append(connection_call(connection=mine, call=call, client=api))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert used == ["TTP_new", "TTP_new"]
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1
    assert TikTokConnection.objects.get(pk=connection.pk).refresh_token == "TTP_new_refresh"
