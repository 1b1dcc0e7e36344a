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
from datetime import datetime

import requests
from django.conf import settings

from tiktok.after_sales_calls import AfterSalesCalls
from tiktok.exceptions import NotConfigured, TikTokError, Unavailable
from tiktok.finance_calls import FinanceCalls
from tiktok.fulfilment_calls import FulfilmentCalls
from tiktok.responses import (
    envelope_or_error,
    is_rate_limit,
    is_retryable,
    retry_after,
    unix_seconds,
)
from tiktok.results import (
    AuthorizedShop,
    OrderPage,
    TokenGrant,
    authorized_shops,
    order_objects,
    order_page,
    token_grant,
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


class TikTokClient(FulfilmentCalls, AfterSalesCalls, FinanceCalls):
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
        return token_grant(self._token_call(TOKEN_GET_PATH, query))

    def refresh_access_token(self, *, refresh_token: str) -> TokenGrant:
        """A new token pair; the one returned is the one to keep."""
        query = {"refresh_token": refresh_token, "grant_type": "refresh_token"}
        return token_grant(self._token_call(TOKEN_REFRESH_PATH, query))

    # --- Open API -----------------------------------------------------------------------------

    def get_authorized_shops(self, *, access_token: str) -> list[AuthorizedShop]:
        """The shops this token may act for, with the cipher each shop-scoped call needs."""
        answer = self._api_call("GET", AUTHORIZED_SHOPS, access_token=access_token)
        return authorized_shops(answer, AUTHORIZED_SHOPS)

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
            "update_time_ge": unix_seconds(update_time_ge),
            "update_time_lt": unix_seconds(update_time_lt),
        }
        answer = self._api_call(
            "POST",
            ORDER_SEARCH,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query=query,
            body=body,
        )
        return order_page(answer, ORDER_SEARCH)

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
        return order_objects(answer, path)

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
        write: bool = False,
    ) -> dict:
        """`write`: a call that changes something on TikTok, retried only on a rate limit."""
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
        return self._send(method, self.api_host, path, prepare, headers, raw, reads=not write)

    def _token_call(self, path: str, query: dict) -> dict:
        def prepare() -> dict:
            return {"app_key": self.app_key, "app_secret": self._app_secret, **query}

        return self._send("GET", self.auth_host, path, prepare, {}, b"", reads=False)

    def _send(self, method, host, path, prepare, headers, body, *, reads: bool) -> dict:
        """Call until an answer, retrying what may be retried; raise the last error.

        Reads are retried on 429, 5xx, TikTok's rate-limit and internal-error codes and on
        network failures. Token calls and writes only on a rate limit, where TikTok did not
        act: a refresh whose answer was lost may have replaced the refresh token already, and
        a shipment whose answer was lost may be shipped.
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
