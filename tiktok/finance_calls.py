"""TikTok's finance calls (docs/tiktok.md "Finance"): Get Statements, Get Payments and Get
Withdrawals (202309), Get Transactions by Statement and by Order (202501; the 202309
versions are blocked), Get Unsettled Transactions (202507). Reads, retried by the client like
every read; each returns one page as TikTok sent it, its list checked to be a list of objects
(finance.tiktok_finance reads the objects)."""

from dataclasses import dataclass
from datetime import datetime

from tiktok.arrange_calls import path_id
from tiktok.responses import unix_seconds
from tiktok.results import bad_answer

STATEMENTS = "/finance/202309/statements"
STATEMENT_TRANSACTIONS = "/finance/202501/statements/{statement_id}/statement_transactions"
ORDER_TRANSACTIONS = "/finance/202501/orders/{order_id}/statement_transactions"
UNSETTLED = "/finance/202507/orders/unsettled"
PAYMENTS = "/finance/202309/payments"
WITHDRAWALS = "/finance/202309/withdrawals"
FINANCE_PAGE_MAX = 100
WITHDRAWAL_TYPES = ("WITHDRAW", "SETTLE", "TRANSFER", "REVERSE")


@dataclass(frozen=True)
class FinancePage:
    items: list[dict]  # the page's statements, transactions, payments or withdrawals
    next_page_token: str  # empty on the last page
    data: dict  # the whole `data` (a statement's totals, the unsettled sums)


def _page(answer: dict, path: str, name: str) -> FinancePage:
    data = answer["data"]
    items = data.get(name) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_answer(answer, path, f"`{name}` is not a list of objects")
    token = data.get("next_page_token") or ""
    if not isinstance(token, str):
        raise bad_answer(answer, path, "`next_page_token` is not text")
    return FinancePage(items=items, next_page_token=token, data=data)


def _size(page_size: int) -> str:
    if not 1 <= page_size <= FINANCE_PAGE_MAX:
        raise ValueError(f"page_size must be 1–{FINANCE_PAGE_MAX}; got {page_size}")
    return str(page_size)


def _query(sort_field: str, page_size: int, page_token: str, **spans: datetime | None) -> dict:
    """A finance list's query: oldest first by `sort_field` (none for withdrawals), the page,
    and the time bounds given (`statement_time_ge=…`) in Unix seconds."""
    query = {"page_size": _size(page_size), "page_token": page_token}
    if sort_field:
        query |= {"sort_field": sort_field, "sort_order": "ASC"}
    for name, when in spans.items():
        if when is not None:
            query[name] = str(unix_seconds(when))
    return query


class FinanceCalls:
    """Mixed into TikTokClient; `_api_call` is the signed transport."""

    def _finance_list(self, path, name, *, access_token, shop_cipher, query) -> FinancePage:
        answer = self._api_call(
            "GET", path, access_token=access_token, shop_cipher=shop_cipher, query=query
        )
        return _page(answer, path, name)

    def get_statements(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        statement_time_ge: datetime | None = None,
        statement_time_lt: datetime | None = None,
        page_size: int = FINANCE_PAGE_MAX,
        page_token: str = "",
    ) -> FinancePage:
        """A page of the shop's daily statements, oldest first."""
        query = _query(
            "statement_time", page_size, page_token,
            statement_time_ge=statement_time_ge, statement_time_lt=statement_time_lt,
        )  # fmt: skip
        return self._finance_list(
            STATEMENTS, "statements", access_token=access_token, shop_cipher=shop_cipher,
            query=query,
        )  # fmt: skip

    def get_statement_transactions(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        statement_id: str,
        page_size: int = FINANCE_PAGE_MAX,
        page_token: str = "",
    ) -> FinancePage:
        """A page of one statement's transactions; `data` holds the statement's totals."""
        path = STATEMENT_TRANSACTIONS.format(statement_id=path_id(statement_id, "statement_id"))
        query = _query("order_create_time", page_size, page_token)
        return self._finance_list(
            path, "transactions", access_token=access_token, shop_cipher=shop_cipher,
            query=query,
        )  # fmt: skip

    def get_order_transactions(self, *, access_token: str, shop_cipher: str, order_id: str):
        """An order's settlement per SKU and statement (no paging); `items` are its
        `sku_transactions`, `data` the order's totals."""
        path = ORDER_TRANSACTIONS.format(order_id=path_id(order_id, "order_id"))
        return self._finance_list(
            path, "sku_transactions", access_token=access_token, shop_cipher=shop_cipher,
            query={},
        )  # fmt: skip

    def get_unsettled_transactions(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        search_time_ge: datetime | None = None,
        search_time_lt: datetime | None = None,
        page_size: int = FINANCE_PAGE_MAX,
        page_token: str = "",
    ) -> FinancePage:
        """A page of what TikTok has still to settle (estimates), by order creation time."""
        query = _query(
            "order_create_time", page_size, page_token,
            search_time_ge=search_time_ge, search_time_lt=search_time_lt,
        )  # fmt: skip
        return self._finance_list(
            UNSETTLED, "transactions", access_token=access_token, shop_cipher=shop_cipher,
            query=query,
        )  # fmt: skip

    def get_payments(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        create_time_ge: datetime | None = None,
        create_time_lt: datetime | None = None,
        page_size: int = FINANCE_PAGE_MAX,
        page_token: str = "",
    ) -> FinancePage:
        query = _query(
            "create_time", page_size, page_token,
            create_time_ge=create_time_ge, create_time_lt=create_time_lt,
        )  # fmt: skip
        return self._finance_list(
            PAYMENTS, "payments", access_token=access_token, shop_cipher=shop_cipher,
            query=query,
        )  # fmt: skip

    def get_withdrawals(
        self,
        *,
        access_token: str,
        shop_cipher: str,
        create_time_ge: datetime | None = None,
        create_time_lt: datetime | None = None,
        page_size: int = FINANCE_PAGE_MAX,
        page_token: str = "",
    ) -> FinancePage:
        query = _query(
            "", page_size, page_token, create_time_ge=create_time_ge, create_time_lt=create_time_lt
        )
        query["types"] = ",".join(WITHDRAWAL_TYPES)
        return self._finance_list(
            WITHDRAWALS, "withdrawals", access_token=access_token, shop_cipher=shop_cipher,
            query=query,
        )  # fmt: skip
