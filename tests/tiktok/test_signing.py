"""TikTok's request signature (202309, body included) and webhook signature, against vectors
computed here with hmac/hashlib directly and against TikTok's own webhook example."""

import hashlib
import hmac

import pytest

from tiktok.signing import request_sign, request_string, webhook_signature, webhook_verify


def independent_sign(secret: str, message: str) -> str:
    return hmac.new(
        secret.encode(), f"{secret}{message}{secret}".encode(), hashlib.sha256
    ).hexdigest()


def test_signature_of_the_documented_example_request():
    """TikTok's signing page: secret e59af819cc, Get Authorized Shops, app_key 29a39d."""
    sign = request_sign(
        app_secret="e59af819cc",
        path="/authorization/202309/shops",
        query={"app_key": "29a39d", "timestamp": "1623812664"},
    )
    message = "/authorization/202309/shopsapp_key29a39dtimestamp1623812664"
    assert sign == independent_sign("e59af819cc", message)
    assert sign == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"


def test_params_are_sorted_by_key_and_sign_and_access_token_are_left_out():
    query = {
        "timestamp": "1700000000",
        "shop_cipher": "ROW_abc",
        "app_key": "key1",
        "sign": "ignored",
        "access_token": "ignored-too",
        "page_size": "100",
    }
    message = (
        "/order/202309/orders/searchapp_keykey1page_size100shop_cipherROW_abctimestamp1700000000"
    )
    assert request_string(path="/order/202309/orders/search", query=query) == message.encode()
    sign = request_sign(app_secret="s3cret", path="/order/202309/orders/search", query=query)
    assert sign == independent_sign("s3cret", message)


def test_the_body_is_signed_byte_for_byte_after_the_params():
    body = b'{"update_time_ge":1700000000,"update_time_lt":1700003600}'
    query = {"app_key": "key1", "timestamp": "1700000000", "shop_cipher": "ROW_abc"}
    sign = request_sign(
        app_secret="s3cret", path="/order/202309/orders/search", query=query, body=body
    )
    message = (
        "/order/202309/orders/searchapp_keykey1shop_cipherROW_abctimestamp1700000000"
        + body.decode()
    )
    assert sign == independent_sign("s3cret", message)
    spaced = body.replace(b",", b", ")
    assert sign != request_sign(
        app_secret="s3cret", path="/order/202309/orders/search", query=query, body=spaced
    )


def test_the_documented_webhook_body_with_spaces_is_signed_as_sent():
    """TikTok's Update Shop Webhook example: whitespace in the body is part of what is signed."""
    body = b'{ "address": "https://example.test/webhooks/tiktok/", "event_type": "PACKAGE_UPDATE"}'
    query = {"app_key": "key1", "timestamp": "1700000000", "shop_cipher": "ROW_abc"}
    message = "/event/202309/webhooksapp_keykey1shop_cipherROW_abctimestamp1700000000" + (
        body.decode()
    )
    assert request_sign(
        app_secret="s3cret", path="/event/202309/webhooks", query=query, body=body
    ) == independent_sign("s3cret", message)


def test_keys_are_sorted_by_bytes():
    """Uppercase sorts before lowercase, as an ordinal comparison does."""
    query = {"b": "2", "B": "1", "a": "3"}
    assert request_string(path="/p", query=query) == b"/pB1a3b2"


OFFICIAL_BODY = (
    b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
    b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
    b'"order_status":"UNPAID","update_time":1718305585}}'
)
OFFICIAL_SIGNATURE = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"


def test_official_webhook_vector():
    assert webhook_signature(app_key="abcdef", app_secret="123", body=OFFICIAL_BODY) == (
        OFFICIAL_SIGNATURE
    )
    assert webhook_verify(
        app_key="abcdef", app_secret="123", body=OFFICIAL_BODY, authorization=OFFICIAL_SIGNATURE
    )


def test_webhook_signature_matches_an_independent_hmac():
    body = b'{"type":6,"shop_id":"1","data":{}}'
    expected = hmac.new(b"app-secret", b"app-key" + body, hashlib.sha256).hexdigest()
    assert webhook_signature(app_key="app-key", app_secret="app-secret", body=body) == expected


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        OFFICIAL_SIGNATURE[:-1] + "0",
        OFFICIAL_SIGNATURE[:32],
        "Bearer " + OFFICIAL_SIGNATURE,
        "ž" * 64,
    ],
)
def test_webhook_with_a_wrong_or_missing_signature_is_refused(authorization):
    assert not webhook_verify(
        app_key="abcdef", app_secret="123", body=OFFICIAL_BODY, authorization=authorization
    )


def test_webhook_body_changed_by_one_byte_is_refused():
    body = OFFICIAL_BODY.replace(b"UNPAID", b"UNPAIE")
    assert not webhook_verify(
        app_key="abcdef", app_secret="123", body=body, authorization=OFFICIAL_SIGNATURE
    )


def test_nothing_verifies_without_a_secret():
    signature = webhook_signature(app_key="abcdef", app_secret="", body=OFFICIAL_BODY)
    assert not webhook_verify(
        app_key="abcdef", app_secret="", body=OFFICIAL_BODY, authorization=signature
    )


def test_webhook_verification_compares_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(
        "tiktok.signing.hmac.compare_digest", lambda a, b: calls.append((a, b)) or real(a, b)
    )
    webhook_verify(
        app_key="abcdef", app_secret="123", body=OFFICIAL_BODY, authorization=OFFICIAL_SIGNATURE
    )
    assert calls == [(OFFICIAL_SIGNATURE.encode(), OFFICIAL_SIGNATURE.encode())]
