"""Both carrier adapters read HTTP the same way (tracking/carriers/base.py `http_json`): against
the same local fake server, a timeout, a refused connection, an HTTP error, a 429 and an answer
that is not JSON give the same adapter errors whichever provider it is."""

import pytest

from tests.tracking.aftership_payloads import envelope
from tracking.carriers import base
from tracking.carriers.aftership import AfterShip
from tracking.carriers.seventeen_track import SeventeenTrack
from tracking.exceptions import ProviderError, RateLimited


def _adapters(url: str):
    return {
        "aftership": AfterShip(api_key="k", webhook_secret="s", base_url=url),
        "17track": SeventeenTrack(api_key="k", base_url=url),
    }


@pytest.fixture(params=["aftership", "17track"])
def adapter(request, server):  # noqa: F811
    return _adapters(server.url)[request.param]


@pytest.mark.parametrize(
    ("status", "body", "match"),
    [
        (500, {"error": "boom"}, "HTTP 500"),
        (503, b"<html><body>Unavailable</body></html>", "HTTP 503"),
        (200, b"<!doctype html><title>Down for maintenance</title>", "the answer is not JSON"),
        (200, [1, 2, 3], "the answer is not a JSON object"),
    ],
)
def test_unusable_answers_are_the_same_provider_error(server, adapter, status, body, match):  # noqa: F811
    server.reply(status, body)
    with pytest.raises(ProviderError, match=f"^{adapter.code} \\w+: {match}") as caught:
        adapter.fetch(["N1"])
    assert not isinstance(caught.value, RateLimited)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"Retry-After": "1.5"}, 1.5), ({"X-RateLimit-Reset": "2"}, 2.0)],
)
def test_429_is_rate_limited_with_the_wait_asked_for(server, adapter, headers, expected):  # noqa: F811
    server.reply(429, envelope(429), headers=headers)
    with pytest.raises(RateLimited) as caught:
        adapter.fetch(["N1"])
    assert caught.value.retry_after == expected


def test_a_slow_answer_is_a_timeout(server, adapter, monkeypatch):  # noqa: F811
    monkeypatch.setattr(base, "TIMEOUT_SECONDS", 0.05)
    server.reply(200, envelope(200), delay=0.3)
    with pytest.raises(ProviderError, match="Timeout"):
        adapter.fetch(["N1"])


@pytest.mark.parametrize("code", ["aftership", "17track"])
def test_a_refused_connection_is_a_provider_error(code):
    down = _adapters("http://127.0.0.1:9/track")[code]
    with pytest.raises(ProviderError, match=f"^{down.code} \\w+: ConnectionError"):
        down.fetch(["N1"])
