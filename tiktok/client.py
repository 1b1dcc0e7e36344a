"""A signed client for TikTok Shop's Open API (versions 202309+) and its token endpoints.

Open API calls carry `app_key`, `timestamp` and `sign` in the query (tiktok.signing), the
access token in the `x-tts-access-token` header, and `shop_cipher` on shop-scoped paths. The
token endpoints on the auth host are plain GETs with the app secret in the query: unsigned, and
never logged (settings keep urllib3's URL logging off). Every call has a timeout; an answer is
data only when it is TikTok's JSON envelope with `code` 0 (tiktok.responses).
docs/decisions.md "TikTok client and tokens".
"""

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.conf import settings

from tiktok.exceptions import BadResponse, NotConfigured, TikTokError, Unavailable
from tiktok.responses import (
    envelope_or_error,
    is_rate_limit,
    is_retryable,
    retry_after,
    text,
    unix_time,
)
from tiktok.signing import request_sign

log = logging.getLogger(__name__)

TOKEN_GET_PATH = "/api/v2/token/get"  # noqa: S105 - a path, not a password
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"  # noqa: S105
AUTHORIZED_SHOPS = "/authorization/202309/shops"
ORDER_SEARCH = "/order/202309/orders/search"
ORDER_DETAIL = "/order/{version}/orders"
ORDER_DETAIL_MAX_IDS = 50
ORDER_SEARCH_MAX_PAGE = 100


@dataclass(frozen=True)
class TokenGrant:
    """What the token endpoints return; the tokens never appear in its repr."""

    access_token: str = field(repr=False)
    access_token_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_token_expires_at: datetime
    open_id: str = ""
    seller_name: str = ""
    seller_base_region: str = ""
    user_type: int | None = None
    granted_scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthorizedShop:
    id: str
    cipher: str
    name: str = ""
    region: str = ""
    seller_type: str = ""  # CROSS_BORDER or LOCAL
    code: str = ""


@dataclass(frozen=True)
class OrderPage:
    orders: list[dict]
    next_page_token: str  # empty on the last page
    total_count: int | None
    request_id: str = ""


class TikTokClient:
    """One app's calls to TikTok; safe to share between calls of one thread."""

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        api_host: str,
        auth_host: str,
        timeout: float = 10,
        max_retries: int = 5,
        backoff: float = 1.0,
        backoff_cap: float = 60.0,
        order_detail_version: str = "202309",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        if not app_key or not app_secret:
            raise NotConfigured("set TIKTOK_APP_KEY and TIKTOK_APP_SECRET to call TikTok")
        self.app_key = app_key
        self._app_secret = app_secret
        self.api_host = api_host.rstrip("/")
        self.auth_host = auth_host.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.order_detail_version = order_detail_version
        self._sleep = sleep
        self._clock = clock
        self._session = requests.Session()

    def __repr__(self) -> str:
        return f"<TikTokClient app_key={self.app_key} api={self.api_host}>"

    @classmethod
    def from_settings(cls, **overrides) -> "TikTokClient":
        options = {
            "app_key": settings.TIKTOK_APP_KEY,
            "app_secret": settings.TIKTOK_APP_SECRET,
            "api_host": settings.TIKTOK_API_HOST,
            "auth_host": settings.TIKTOK_AUTH_HOST,
            "timeout": settings.TIKTOK_TIMEOUT_SECONDS,
            "max_retries": settings.TIKTOK_MAX_RETRIES,
            "backoff": settings.TIKTOK_BACKOFF_SECONDS,
            "backoff_cap": settings.TIKTOK_BACKOFF_CAP_SECONDS,
            "order_detail_version": settings.TIKTOK_ORDER_DETAIL_VERSION,
        }
        return cls(**{**options, **overrides})

    # --- Tokens (auth host) -------------------------------------------------------------------

    def get_access_token(self, *, auth_code: str) -> TokenGrant:
        """Exchange the code of the authorization redirect (single use, 30 minutes)."""
        query = {"auth_code": auth_code, "grant_type": "authorized_code"}
        return _token_grant(self._token_call(TOKEN_GET_PATH, query))

    def refresh_access_token(self, *, refresh_token: str) -> TokenGrant:
        """A new token pair; the one returned is the one to keep."""
        query = {"refresh_token": refresh_token, "grant_type": "refresh_token"}
        return _token_grant(self._token_call(TOKEN_REFRESH_PATH, query))

    # --- Open API -----------------------------------------------------------------------------

    def get_authorized_shops(self, *, access_token: str) -> list[AuthorizedShop]:
        """The shops this token may act for, with the cipher each shop-scoped call needs."""
        answer = self._api_call("GET", AUTHORIZED_SHOPS, access_token=access_token)
        shops = answer["data"].get("shops") or []
        if not isinstance(shops, list) or not all(isinstance(shop, dict) for shop in shops):
            raise _bad(answer, AUTHORIZED_SHOPS, "`shops` is not a list of objects")
        result = []
        for shop in shops:
            shop_id, cipher = text(shop.get("id")), text(shop.get("cipher"))
            if not shop_id or not cipher:
                raise _bad(answer, AUTHORIZED_SHOPS, "a shop without `id` or `cipher`")
            result.append(
                AuthorizedShop(
                    id=shop_id,
                    cipher=cipher,
                    name=text(shop.get("name")),
                    region=text(shop.get("region")),
                    seller_type=text(shop.get("seller_type")),
                    code=text(shop.get("code")),
                )
            )
        return result

    def search_orders(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        update_time_ge: datetime,
        update_time_lt: datetime,
        page_size: int = ORDER_SEARCH_MAX_PAGE,
        page_token: str = "",
        sort_order: str = "ASC",
    ) -> OrderPage:
        """One page of the orders updated in [ge, lt); TikTok warns that an order's
        `update_time` may fall outside the window (its data refreshes as it answers)."""
        if not 1 <= page_size <= ORDER_SEARCH_MAX_PAGE:
            raise ValueError(f"page_size must be 1–{ORDER_SEARCH_MAX_PAGE}; got {page_size}")
        query = {
            "page_size": str(page_size),
            "sort_field": "update_time",
            "sort_order": sort_order,
            "page_token": page_token,  # left out when empty, on the first page
        }
        body = {
            "update_time_ge": _seconds(update_time_ge),
            "update_time_lt": _seconds(update_time_lt),
        }
        answer = self._api_call(
            "POST",
            ORDER_SEARCH,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query=query,
            body=body,
        )
        data = answer["data"]
        orders = data.get("orders") or []
        token = data.get("next_page_token") or ""
        total = data.get("total_count")
        if not isinstance(orders, list) or not all(isinstance(order, dict) for order in orders):
            raise _bad(answer, ORDER_SEARCH, "`orders` is not a list of objects")
        if not isinstance(token, str):
            raise _bad(answer, ORDER_SEARCH, "`next_page_token` is not a string")
        if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
            raise _bad(answer, ORDER_SEARCH, "`total_count` is not a number")
        return OrderPage(orders, token, total, answer.get("request_id") or "")

    def get_order_detail(
        self, *, access_token: str, shop_cipher: str, order_ids: Iterable[str]
    ) -> list[dict]:
        """The full order objects of up to 50 orders (an id TikTok does not know is absent)."""
        ids = [str(order_id) for order_id in order_ids]
        if not 1 <= len(ids) <= ORDER_DETAIL_MAX_IDS or not all(ids):
            raise ValueError(f"get_order_detail takes 1–{ORDER_DETAIL_MAX_IDS} order ids")
        path = ORDER_DETAIL.format(version=self.order_detail_version)
        answer = self._api_call(
            "GET",
            path,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query={"ids": ",".join(ids)},
        )
        orders = answer["data"].get("orders") or []
        if not isinstance(orders, list) or not all(isinstance(order, dict) for order in orders):
            raise _bad(answer, path, "`orders` is not a list of objects")
        return orders

    # --- Transport ----------------------------------------------------------------------------

    def _api_call(
        self,
        method: str,
        path: str,
        *,
        access_token: str,
        shop_cipher: str = "",
        query: dict | None = None,
        body: dict | None = None,
    ) -> dict:
        # Serialized once: the bytes signed are the bytes sent. No body, nothing signed.
        raw = json.dumps(body, separators=(",", ":")).encode() if body else b""
        extra = {key: value for key, value in (query or {}).items() if value not in ("", None)}
        if shop_cipher:
            extra["shop_cipher"] = shop_cipher

        def prepare() -> dict:
            # Signed again on every attempt: the timestamp must be within 5 minutes of TikTok's.
            params = {"app_key": self.app_key, "timestamp": str(int(self._clock())), **extra}
            params["sign"] = request_sign(
                app_secret=self._app_secret, path=path, query=params, body=raw
            )
            return params

        headers = {"x-tts-access-token": access_token, "Content-Type": "application/json"}
        return self._send(method, self.api_host, path, prepare, headers, raw, reads=True)

    def _token_call(self, path: str, query: dict) -> dict:
        def prepare() -> dict:
            return {"app_key": self.app_key, "app_secret": self._app_secret, **query}

        return self._send("GET", self.auth_host, path, prepare, {}, b"", reads=False)

    def _send(self, method, host, path, prepare, headers, body, *, reads: bool) -> dict:
        """Call until an answer, retrying what may be retried; raise the last error.

        Reads are retried on 429, 5xx, TikTok's rate-limit and internal-error codes and on
        network failures. Token calls only on a rate limit, where TikTok did not act: a refresh
        whose answer was lost may have replaced the refresh token already.
        """
        for attempt in range(self.max_retries + 1):
            wait = None
            try:
                response = self._session.request(
                    method,
                    host + path,
                    params=prepare(),
                    data=body or None,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                # Never str(exc): requests puts the URL, query and all, in its messages.
                error: TikTokError = Unavailable(f"no answer ({type(exc).__name__})", path=path)
                retry = reads and isinstance(exc, requests.Timeout | requests.ConnectionError)
            else:
                try:
                    return envelope_or_error(response, path)
                except TikTokError as exc:
                    error = exc
                retry = is_rate_limit(response, error) or (reads and is_retryable(response, error))
                wait = retry_after(response)
            if not retry or attempt == self.max_retries:
                raise error
            delay = self._delay(attempt, wait)
            log.warning("tiktok %s: %s; retry %d in %.1fs", path, error, attempt + 1, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after_seconds: float | None) -> float:
        if retry_after_seconds is not None:
            return min(self.backoff_cap, retry_after_seconds)
        step = self.backoff * 2**attempt
        return min(self.backoff_cap, step + random.uniform(0, self.backoff / 2))


def _seconds(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("a naive datetime has no place on TikTok's clock")
    return int(when.timestamp())


def _bad(answer: dict, path: str, message: str) -> BadResponse:
    return BadResponse(message, code=0, request_id=answer.get("request_id") or "", path=path)


def _token_grant(answer: dict) -> TokenGrant:
    data = answer["data"]
    path = "token"
    access, refresh = data.get("access_token"), data.get("refresh_token")
    if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
        raise _bad(answer, path, "no access or refresh token")
    scopes = data.get("granted_scopes") or []
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise _bad(answer, path, "`granted_scopes` is not a list of strings")
    user_type = data.get("user_type")
    try:
        return TokenGrant(
            access_token=access,
            access_token_expires_at=unix_time(data.get("access_token_expire_in")),
            refresh_token=refresh,
            refresh_token_expires_at=unix_time(data.get("refresh_token_expire_in")),
            open_id=text(data.get("open_id")),
            seller_name=text(data.get("seller_name")),
            seller_base_region=text(data.get("seller_base_region")),
            user_type=user_type if isinstance(user_type, int) else None,
            granted_scopes=tuple(scopes),
        )
    except ValueError as exc:
        raise _bad(answer, path, str(exc)) from None
