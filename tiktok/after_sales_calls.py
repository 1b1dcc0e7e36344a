"""TikTok's after-sales calls (Open API 202309, `/return_refund/202309`): the cancellation and
return searches, the seller's answers to a buyer's request (approve, reject, with the reasons
TikTok offers for that request), and the seller's own Cancel Order.

The answers are writes (`write=True`): the client never retries them on a timeout or a 5xx.
Approve and reject carry TikTok's `idempotency_key`, so the caller may send the same key
again when it does not know whether TikTok acted; Cancel Order documents none, and the
caller re-reads the order instead. The searches return TikTok's objects as they come, each
checked to be an object with its id and its order's.
"""

from dataclasses import dataclass
from datetime import datetime

from tiktok.fulfilment_calls import _path_id
from tiktok.responses import text, unix_seconds
from tiktok.results import bad_answer

CANCELLATION_SEARCH = "/return_refund/202309/cancellations/search"
RETURN_SEARCH = "/return_refund/202309/returns/search"
CANCELLATION_APPROVE = "/return_refund/202309/cancellations/{cancel_id}/approve"
CANCELLATION_REJECT = "/return_refund/202309/cancellations/{cancel_id}/reject"
RETURN_APPROVE = "/return_refund/202309/returns/{return_id}/approve"
RETURN_REJECT = "/return_refund/202309/returns/{return_id}/reject"
REJECT_REASONS = "/return_refund/202309/reject_reasons"
CANCEL_ORDER = "/return_refund/202309/cancellations"
SEARCH_PAGE_MAX = 50
# Search Returns takes 10-50 a page (LK; another copy says only "at most 50"), cancellations 1-50.
RETURN_PAGE_MIN = 10
IDEMPOTENCY_KEY_MAX = 255


@dataclass(frozen=True)
class SearchPage:
    """Raw TikTok objects, each checked to be a dict with its id and order_id."""

    objects: list[dict]
    next_page_token: str  # empty on the last page
    total_count: int


@dataclass(frozen=True)
class Answer:
    """TikTok's answer to a write."""

    request_id: str
    message: str


@dataclass(frozen=True)
class RejectReason:
    name: str  # the reason key TikTok takes back in `reject_reason`
    text: str  # its words, in the locale asked for


@dataclass(frozen=True)
class Cancelled:
    """TikTok's answer to Cancel Order: the cancellation it made."""

    cancel_id: str
    cancel_status: str
    request_id: str


def _key(idempotency_key: str) -> str:
    if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise ValueError(f"idempotency_key must be 1–{IDEMPOTENCY_KEY_MAX} characters")
    return idempotency_key


def _ids(values, name: str) -> list[str] | None:
    if values is None:
        return None
    return [_path_id(value, name) for value in values]


def _answer(answer: dict) -> Answer:
    return Answer(text(answer.get("request_id")), text(answer.get("message")))


class AfterSalesCalls:
    """Mixed into TikTokClient; `_api_call` is the signed transport."""

    def search_cancellations(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        cancel_ids=None,
        order_ids=None,
        update_time_ge: datetime | None = None,
        update_time_lt: datetime | None = None,
        page_token: str = "",
        page_size: int = SEARCH_PAGE_MAX,
    ) -> SearchPage:
        """One page of cancellations, oldest update first."""
        return self._after_sales_search(
            CANCELLATION_SEARCH,
            "cancel",
            "cancellations",
            access_token=access_token,
            shop_cipher=shop_cipher,
            ids=_ids(cancel_ids, "cancel_ids"),
            order_ids=_ids(order_ids, "order_ids"),
            window=(update_time_ge, update_time_lt),
            page=(page_token, page_size, 1),
        )

    def search_returns(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        return_ids=None,
        order_ids=None,
        update_time_ge: datetime | None = None,
        update_time_lt: datetime | None = None,
        page_token: str = "",
        page_size: int = SEARCH_PAGE_MAX,
    ) -> SearchPage:
        """One page of returns and refunds, oldest update first."""
        return self._after_sales_search(
            RETURN_SEARCH,
            "return",
            "return_orders",
            access_token=access_token,
            shop_cipher=shop_cipher,
            ids=_ids(return_ids, "return_ids"),
            order_ids=_ids(order_ids, "order_ids"),
            window=(update_time_ge, update_time_lt),
            page=(page_token, page_size, RETURN_PAGE_MIN),
        )

    def _after_sales_search(
        self, path, kind, result, *, access_token, shop_cipher, ids, order_ids, window, page
    ) -> SearchPage:
        page_token, page_size, smallest = page
        if not smallest <= page_size <= SEARCH_PAGE_MAX:
            raise ValueError(f"page_size must be {smallest}–{SEARCH_PAGE_MAX}; got {page_size}")
        query = {
            "page_size": str(page_size),
            "page_token": page_token,  # left out when empty, on the first page
            "sort_field": "update_time",
            "sort_order": "ASC",
        }
        body: dict = {}
        if ids is not None:
            body[f"{kind}_ids"] = ids
        if order_ids is not None:
            body["order_ids"] = order_ids
        for name, when in zip(("update_time_ge", "update_time_lt"), window, strict=True):
            if when is not None:
                body[name] = unix_seconds(when)
        answer = self._api_call(
            "POST",
            path,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query=query,
            body=body,
        )
        data = answer["data"]
        objects = data.get(result) or []
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise bad_answer(answer, path, f"`{result}` is not a list of objects")
        if not all(text(o.get(f"{kind}_id")) and text(o.get("order_id")) for o in objects):
            raise bad_answer(answer, path, f"a record without `{kind}_id` or `order_id`")
        token, total = data.get("next_page_token") or "", data.get("total_count")
        if not isinstance(token, str):
            raise bad_answer(answer, path, "`next_page_token` is not a string")
        if total is None:
            total = len(objects)
        if isinstance(total, bool) or not isinstance(total, int):
            raise bad_answer(answer, path, "`total_count` is not a number")
        return SearchPage(objects, token, total)

    def approve_cancellation(
        self, *, access_token: str, shop_cipher: str, cancel_id: str, idempotency_key: str
    ) -> Answer:
        """Agree to the buyer's cancellation request: TikTok cancels the order and refunds."""
        path = CANCELLATION_APPROVE.format(cancel_id=_path_id(cancel_id, "cancel_id"))
        return self._after_sales_write(path, access_token, shop_cipher, idempotency_key, None)

    def reject_cancellation(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        cancel_id: str,
        reject_reason: str,
        comment: str = "",
        idempotency_key: str,
    ) -> Answer:
        """Refuse the buyer's cancellation request, with a reason of Get Reject Reasons."""
        path = CANCELLATION_REJECT.format(cancel_id=_path_id(cancel_id, "cancel_id"))
        body = {"reject_reason": reject_reason, "comment": comment}
        return self._after_sales_write(path, access_token, shop_cipher, idempotency_key, body)

    def approve_return(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        return_id: str,
        decision: str,
        idempotency_key: str,
        buyer_keep_item: bool | None = None,
    ) -> Answer:
        """Approve a return or refund at its stage (after_sales_rules.RETURN_DECISIONS)."""
        path = RETURN_APPROVE.format(return_id=_path_id(return_id, "return_id"))
        body: dict = {"decision": decision}
        if buyer_keep_item is not None:
            body["buyer_keep_item"] = buyer_keep_item
        return self._after_sales_write(path, access_token, shop_cipher, idempotency_key, body)

    def reject_return(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        return_id: str,
        decision: str,
        reject_reason: str,
        comment: str = "",
        idempotency_key: str,
    ) -> Answer:
        """Reject a return or refund at its stage, with a reason of Get Reject Reasons."""
        path = RETURN_REJECT.format(return_id=_path_id(return_id, "return_id"))
        body = {"decision": decision, "reject_reason": reject_reason, "comment": comment}
        return self._after_sales_write(path, access_token, shop_cipher, idempotency_key, body)

    def _after_sales_write(self, path, access_token, shop_cipher, idempotency_key, body):
        if body is not None:
            body = {name: value for name, value in body.items() if value != ""}
        answer = self._api_call(
            "POST",
            path,
            access_token=access_token,
            shop_cipher=shop_cipher,
            query={"idempotency_key": _key(idempotency_key)},
            body=body,
            write=True,
        )
        return _answer(answer)

    def get_reject_reasons(
        self, *, access_token: str, shop_cipher: str, return_or_cancel_id: str, locale="en-US"
    ) -> list[RejectReason]:
        """The reasons TikTok accepts for rejecting this cancellation or return now."""
        query = {
            "return_or_cancel_id": _path_id(return_or_cancel_id, "return_or_cancel_id"),
            "locale": locale,
        }
        answer = self._api_call(
            "GET", REJECT_REASONS, access_token=access_token, shop_cipher=shop_cipher, query=query
        )
        reasons = answer["data"].get("reasons") or []
        if not isinstance(reasons, list) or not all(isinstance(r, dict) for r in reasons):
            raise bad_answer(answer, REJECT_REASONS, "`reasons` is not a list of objects")
        found = [RejectReason(text(r.get("name")), text(r.get("text"))) for r in reasons]
        if not all(reason.name for reason in found):
            raise bad_answer(answer, REJECT_REASONS, "a reason without `name`")
        return [RejectReason(r.name, r.text or r.name) for r in found]

    def cancel_order(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        order_id: str,
        cancel_reason: str,
        order_line_item_ids: list[str] | None = None,
    ) -> Cancelled:
        """The seller cancels the order (a reason of after_sales_rules for its status);
        TikTok documents no idempotency key here."""
        body: dict = {"order_id": _path_id(order_id, "order_id"), "cancel_reason": cancel_reason}
        if order_line_item_ids:
            body["order_line_item_ids"] = _ids(order_line_item_ids, "order_line_item_ids")
        answer = self._api_call(
            "POST",
            CANCEL_ORDER,
            access_token=access_token,
            shop_cipher=shop_cipher,
            body=body,
            write=True,
        )
        data = answer["data"]
        cancel_id, status = text(data.get("cancel_id")), text(data.get("cancel_status"))
        if not cancel_id.isdigit() or not status:
            raise bad_answer(answer, CANCEL_ORDER, "no `cancel_id` or `cancel_status`")
        return Cancelled(cancel_id, status, text(answer.get("request_id")))
