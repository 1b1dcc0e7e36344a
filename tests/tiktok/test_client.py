"""The signed client against a fake TikTok on localhost that checks every signature itself."""

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.tiktok.fake_tiktok import (
    ACCESS_TOKEN,
    APP_KEY,
    APP_SECRET,
    NOW,
    REFRESH_TOKEN,
    SHOP,
    fail,
    ok,
    token_data,
)
from tiktok.client import AuthorizedShop, TikTokClient
from tiktok.exceptions import (
    ApiError,
    BadResponse,
    BadSignature,
    InvalidAuthCode,
    InvalidShop,
    NotConfigured,
    RateLimited,
    ScopeMissing,
    TokenExpired,
    TokenInvalid,
    Unavailable,
)

SHOPS = "/authorization/202309/shops"
SEARCH = "/order/202309/orders/search"
DETAIL = "/order/202309/orders"
TOKEN_GET = "/api/v2/token/get"
TOKEN_REFRESH = "/api/v2/token/refresh"
CIPHER = SHOP["cipher"]
GE = datetime(2026, 11, 1, tzinfo=UTC)
LT = GE + timedelta(hours=1)


def search(api, **kwargs):
    options = {
        "access_token": ACCESS_TOKEN,
        "shop_cipher": CIPHER,
        "update_time_ge": GE,
        "update_time_lt": LT,
    }
    return api.search_orders(**{**options, **kwargs})


# --- Signed calls -----------------------------------------------------------------------------


def test_authorized_shops_is_a_signed_get_with_the_token_in_its_header(api, tiktok):
    shops = api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert shops == [AuthorizedShop(**SHOP)]
    (request,) = tiktok.calls(SHOPS)
    assert request["method"] == "GET" and request["sign_ok"]
    assert set(request["query"]) == {"app_key", "timestamp", "sign"}  # no shop_cipher here
    assert request["query"]["app_key"] == APP_KEY
    assert abs(int(request["query"]["timestamp"]) - time.time()) < 5  # Unix seconds, now
    assert request["headers"]["x-tts-access-token"] == ACCESS_TOKEN
    assert request["headers"]["Content-Type"] == "application/json"
    assert ACCESS_TOKEN not in json.dumps(request["query"])


def test_search_orders_signs_its_body_and_sends_the_cipher(api, tiktok):
    page = search(api)
    assert page.orders == [{"id": "576486316948490001"}]
    assert (page.next_page_token, page.total_count) == ("", 1)
    (request,) = tiktok.calls(SEARCH)
    assert request["method"] == "POST" and request["sign_ok"]
    assert request["query"]["shop_cipher"] == CIPHER
    assert request["query"]["page_size"] == "100"
    assert (request["query"]["sort_field"], request["query"]["sort_order"]) == (
        "update_time",
        "ASC",
    )
    assert "page_token" not in request["query"]  # the first page sends none, not an empty one
    assert json.loads(request["body"]) == {
        "update_time_ge": int(GE.timestamp()),
        "update_time_lt": int(LT.timestamp()),
    }


def test_next_page_token_is_sent_as_given_and_signed(api, tiktok):
    token = "aGVsbG8/d29y+bGQ=="  # opaque, with / + = in it
    tiktok.reply(SEARCH, ok({"orders": [], "next_page_token": "", "total_count": 0}))
    page = search(api, page_token=token, page_size=50)
    assert page.orders == [] and page.next_page_token == ""
    (request,) = tiktok.calls(SEARCH)
    assert request["query"]["page_token"] == token
    assert request["query"]["page_size"] == "50"
    assert expected_sign_ok(tiktok, SEARCH)


def expected_sign_ok(tiktok, path) -> bool:
    from tests.tiktok.fake_tiktok import expected_sign

    request = tiktok.calls(path)[-1]
    return request["query"]["sign"] == expected_sign(path, request["query"], request["body"])


def test_order_detail_sends_up_to_fifty_ids_comma_joined(api, tiktok):
    ids = [str(576486316948490001 + n) for n in range(50)]
    orders = api.get_order_detail(access_token=ACCESS_TOKEN, shop_cipher=CIPHER, order_ids=ids)
    assert orders == [{"id": "576486316948490001"}]
    (request,) = tiktok.calls(DETAIL)
    assert request["method"] == "GET" and request["sign_ok"]
    assert request["query"]["ids"] == ",".join(ids)
    assert request["query"]["shop_cipher"] == CIPHER


@pytest.mark.parametrize("count", [0, 51])
def test_order_detail_refuses_no_ids_or_more_than_fifty_without_calling(api, tiktok, count):
    with pytest.raises(ValueError, match="1–50"):
        api.get_order_detail(
            access_token=ACCESS_TOKEN, shop_cipher=CIPHER, order_ids=[str(n) for n in range(count)]
        )
    assert tiktok.requests == []


def test_order_detail_version_is_a_setting(make_client, tiktok):
    api = make_client(order_detail_version="202507")
    tiktok.reply("/order/202507/orders", ok({"orders": []}))
    assert api.get_order_detail(access_token="t", shop_cipher=CIPHER, order_ids=["1"]) == []
    assert tiktok.calls("/order/202507/orders")[0]["sign_ok"]


def test_a_wrong_app_secret_is_refused_by_tiktok_as_a_bad_signature(make_client, tiktok, sleeps):
    api = make_client(app_secret="not-the-secret")
    with pytest.raises(BadSignature) as caught:
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert caught.value.code == 106001 and caught.value.status == 401
    assert len(tiktok.requests) == 1 and sleeps == []  # not retried


def test_bad_arguments_are_refused_before_any_call(api, tiktok):
    with pytest.raises(ValueError, match="page_size"):
        search(api, page_size=101)
    with pytest.raises(ValueError, match="naive"):
        search(api, update_time_ge=datetime(2026, 11, 1))  # noqa: DTZ001
    assert tiktok.requests == []


def test_a_client_without_credentials_is_not_configured():
    with pytest.raises(NotConfigured):
        TikTokClient(app_key="", app_secret="", api_host="http://x", auth_host="http://x")


# --- Errors -----------------------------------------------------------------------------------


# TikTok's messages, shortened to what tells the cases apart.
@pytest.mark.parametrize(
    ("status", "code", "message", "error"),
    [
        (401, 105002, "Expired credentials. The x-tts-access-token has expired.", TokenExpired),
        (200, 105002, "Expired credentials.", TokenExpired),
        (403, 105005, "Access denied.", ScopeMissing),
        (401, 106001, "Invalid credentials. The `sign` query parameter is invalid.", BadSignature),
        (400, 106013, "Missing identifier. The shop_cipher is required.", InvalidShop),
        (200, 101000, "The x-tts-access-token is invalid for this request.", InvalidShop),
        (400, 36009004, "Invalid identifier. The `shop_id` is invalid", InvalidShop),
        (400, 36009004, "Unexpected identifier. The `shop_cipher` is not required", InvalidShop),
        (401, 36009004, "Invalid credentials. The `x-tts-access-token` is invalid", TokenInvalid),
        (400, 36009004, "Missing credentials. The request requires a signature.", BadSignature),
        (400, 36009004, "Invalid credentials. Invalid `app_key` query parameter", ApiError),
        (200, 12019001, "order not found", ApiError),
    ],
)
def test_tiktok_codes_become_typed_errors_without_retry(
    api, tiktok, sleeps, status, code, message, error
):
    tiktok.reply(SEARCH, fail(code, message, request_id="REQ123"), status=status)
    with pytest.raises(ApiError) as caught:
        search(api)
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.request_id, caught.value.path) == (
        code,
        "REQ123",
        SEARCH,
    )
    assert len(tiktok.calls(SEARCH)) == 1 and sleeps == []


def test_a_200_with_a_non_zero_code_is_an_error_not_data(api, tiktok):
    tiktok.reply(SHOPS, {"code": 12345, "message": "no", "data": {"shops": [SHOP]}})
    with pytest.raises(ApiError):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b'{"code":0,"message":"Success","data":{"orders":[',  # cut short
        [1, 2],
        {"message": "Success", "data": {}},  # no code
        {"code": "0", "data": {}},  # code as a string
        {"code": 0, "message": "Success", "data": None},
        {"code": 0, "message": "Success", "data": {"orders": {"id": "1"}}},
        {"code": 0, "message": "Success", "data": {"orders": [], "next_page_token": 7}},
    ],
)
def test_an_unreadable_200_is_a_bad_response_and_not_retried(api, tiktok, sleeps, body):
    tiktok.reply(SEARCH, body)
    with pytest.raises(BadResponse):
        search(api)
    assert len(tiktok.calls(SEARCH)) == 1 and sleeps == []


def test_a_redirect_is_not_followed(api, tiktok):
    tiktok.reply(SHOPS, b"", status=302, headers={"Location": "https://example.test/login"})
    with pytest.raises(BadResponse):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert len(tiktok.requests) == 1


def test_a_shop_without_a_cipher_is_a_bad_response(api, tiktok):
    tiktok.reply(SHOPS, ok({"shops": [{**SHOP, "cipher": ""}]}))
    with pytest.raises(BadResponse, match="cipher"):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)


# --- Retries ----------------------------------------------------------------------------------


def test_429_is_retried_with_exponential_backoff_and_jitter(api, tiktok, sleeps):
    tiktok.reply(SEARCH, fail(36009002, "Too many requests"), status=429, times=2)
    assert search(api).total_count == 1
    assert len(tiktok.calls(SEARCH)) == 3
    assert 1 <= sleeps[0] <= 1.5 and 2 <= sleeps[1] <= 2.5
    assert all(request["sign_ok"] for request in tiktok.calls(SEARCH))  # signed afresh


def test_retry_after_is_honoured_within_the_cap(api, tiktok, sleeps):
    tiktok.reply(SEARCH, fail(36009002), status=429, headers={"Retry-After": "7"})
    tiktok.reply(SEARCH, fail(36009002), status=429, headers={"Retry-After": "3600"})
    search(api)
    assert sleeps == [7.0, 60]


def test_backoff_never_exceeds_the_cap(make_client, tiktok, sleeps):
    api = make_client(max_retries=4, backoff=20, backoff_cap=30)
    tiktok.reply(SHOPS, fail(36009003, "Internal error"), status=500, times=4)
    api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert sleeps[0] >= 20 and sleeps[1:] == [30, 30, 30]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, fail(36009002, "Too many requests")),  # TikTok's rate-limit code on a 200
        (200, fail(36009003, "Internal error")),
        (500, fail(36009007, "Request timeout")),
        (503, b"<html>Service Unavailable</html>"),
        (502, b"<html>Bad Gateway</html>"),
    ],
)
def test_rate_limit_codes_and_5xx_are_retried_until_an_answer(api, tiktok, sleeps, status, body):
    tiktok.reply(SHOPS, body, status=status, times=2)
    assert api.get_authorized_shops(access_token=ACCESS_TOKEN)[0].id == SHOP["id"]
    assert len(tiktok.calls(SHOPS)) == 3 and len(sleeps) == 2


def test_still_rate_limited_after_the_retries(api, tiktok, sleeps):
    tiktok.reply(SHOPS, fail(36009002, "Too many requests"), status=429, times=10)
    with pytest.raises(RateLimited):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert len(tiktok.calls(SHOPS)) == 4 and len(sleeps) == 3  # max_retries=3


def test_still_down_after_the_retries(api, tiktok):
    tiktok.reply(SHOPS, b"<html>Service Unavailable</html>", status=503, times=10)
    with pytest.raises(Unavailable) as caught:
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert not isinstance(caught.value, RateLimited) and caught.value.status == 503


def test_every_call_has_a_timeout_and_a_timed_out_read_is_retried(make_client, tiktok, sleeps):
    api = make_client(timeout=0.2, max_retries=1)
    tiktok.reply(SHOPS, ok({"shops": []}), delay=1, times=2)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="ReadTimeout"):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert time.monotonic() - started < 1.5
    assert len(tiktok.calls(SHOPS)) == 2


def test_no_answer_at_all_is_unavailable(make_client, sleeps):
    nowhere = "http://127.0.0.1:9"  # nothing listens on the discard port
    api = make_client(api_host=nowhere, auth_host=nowhere, max_retries=1)
    with pytest.raises(Unavailable, match="ConnectionError"):
        api.get_authorized_shops(access_token=ACCESS_TOKEN)
    assert len(sleeps) == 1


# --- Tokens -----------------------------------------------------------------------------------


def test_get_access_token_is_an_unsigned_get_on_the_auth_host(api, tiktok):
    grant = api.get_access_token(auth_code="ROW_code123")
    (request,) = tiktok.calls(TOKEN_GET)
    assert request["method"] == "GET"
    assert request["query"] == {
        "app_key": APP_KEY,
        "app_secret": APP_SECRET,
        "auth_code": "ROW_code123",
        "grant_type": "authorized_code",
    }
    assert "x-tts-access-token" not in request["headers"]
    assert (grant.access_token, grant.refresh_token) == (ACCESS_TOKEN, REFRESH_TOKEN)
    assert grant.granted_scopes == ("seller.authorization.info", "seller.order.info")
    assert (grant.open_id, grant.seller_base_region, grant.user_type) == (
        "7010736057180325637",
        "GB",
        0,
    )


def test_token_expiries_are_absolute_unix_times_not_durations(api, tiktok):
    grant = api.get_access_token(auth_code="ROW_code123")
    assert grant.access_token_expires_at == datetime.fromtimestamp(NOW + 7 * 86400, UTC)
    assert grant.refresh_token_expires_at == datetime.fromtimestamp(NOW + 365 * 86400, UTC)


def test_refresh_sends_the_refresh_token_with_its_grant_type(api, tiktok):
    grant = api.refresh_access_token(refresh_token=REFRESH_TOKEN)
    (request,) = tiktok.calls(TOKEN_REFRESH)
    assert request["query"]["grant_type"] == "refresh_token"
    assert request["query"]["refresh_token"] == REFRESH_TOKEN
    assert grant.access_token == "TTP_access_token_two"


@pytest.mark.parametrize(
    "expire_in",
    [604800, (NOW + 86400) * 1000, "soon", None, True],  # a duration, milliseconds, junk
    # ids fixed at collection: NOW differs between the xdist workers, which must agree
    ids=["duration", "milliseconds", "junk", "none", "boolean"],
)
def test_an_expiry_that_is_not_a_unix_time_in_seconds_is_refused(api, tiktok, expire_in):
    tiktok.reply(TOKEN_GET, ok({**token_data(), "access_token_expire_in": expire_in}))
    with pytest.raises(BadResponse):
        api.get_access_token(auth_code="ROW_code123")


def test_an_expiry_sent_as_a_digit_string_is_read(api, tiktok):
    tiktok.reply(TOKEN_GET, ok({**token_data(), "refresh_token_expire_in": "4912765591"}))
    grant = api.get_access_token(auth_code="ROW_code123")
    assert grant.refresh_token_expires_at.year == 2125


def test_a_used_code_is_an_invalid_auth_code(api, tiktok, sleeps):
    tiktok.reply(TOKEN_GET, fail(36004004, "invalid auth code"))
    with pytest.raises(InvalidAuthCode):
        api.get_access_token(auth_code="ROW_used")
    assert len(tiktok.requests) == 1


def test_a_token_call_is_retried_only_when_rate_limited(api, tiktok, sleeps):
    tiktok.reply(TOKEN_REFRESH, fail(36009002, "Too many requests"), status=429)
    assert api.refresh_access_token(refresh_token=REFRESH_TOKEN).access_token
    assert len(tiktok.calls(TOKEN_REFRESH)) == 2
    tiktok.reply(TOKEN_REFRESH, b"<html>oops</html>", status=503)
    with pytest.raises(Unavailable):  # the refresh may have happened: not sent twice
        api.refresh_access_token(refresh_token=REFRESH_TOKEN)
    assert len(tiktok.calls(TOKEN_REFRESH)) == 3


def test_a_timed_out_token_call_is_not_retried_and_says_no_secret(make_client, tiktok, sleeps):
    api = make_client(timeout=0.2)
    tiktok.reply(TOKEN_REFRESH, ok(token_data()), delay=1)
    with pytest.raises(Unavailable) as caught:
        api.refresh_access_token(refresh_token=REFRESH_TOKEN)
    assert len(tiktok.calls(TOKEN_REFRESH)) == 1 and sleeps == []
    for secret in (APP_SECRET, REFRESH_TOKEN):
        assert secret not in str(caught.value) and secret not in repr(caught.value.args)


def test_tokens_and_the_secret_are_never_logged_nor_in_reprs(api, tiktok, caplog):
    caplog.set_level(logging.DEBUG)
    tiktok.reply(TOKEN_GET, fail(36009002), status=429)  # a retry logs a warning
    grant = api.get_access_token(auth_code="ROW_code123")
    api.refresh_access_token(refresh_token=grant.refresh_token)
    api.get_authorized_shops(access_token=grant.access_token)
    logged = caplog.text + repr(grant) + repr(api)
    assert "tiktok" in caplog.text  # the retry was logged
    for secret in (APP_SECRET, "ROW_code123", ACCESS_TOKEN, REFRESH_TOKEN, "TTP_access_token_two"):
        assert secret not in logged
