"""The order list's numbers: status tabs and needs-action counters, each capped.

The page draws the tabs and counters without numbers; `order_list_counts` fills them in a
second request, so counting never delays the rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from orders.filters import OrderFilterSet
from orders.needs_action import NEEDS_ACTION, needs_action_q, reasons_for_user
from orders.querystring import query_with, query_without, without_empty
from orders.selectors.order_filter import order_filterset
from orders.statuses import OrderStatus

COUNT_CAP = 10_000  # counts stop here and read "10,000+": exact totals cost a full scan


@dataclass(frozen=True)
class Capped:
    value: int
    capped: bool

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{self.value:,}"


@dataclass
class Tab:
    code: str
    label: str
    count: Capped | None  # None on the page itself; counts arrive in a second request
    url: str
    active: bool


def _capped_count(queryset: QuerySet) -> Capped:
    n = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return Capped(min(n, COUNT_CAP), n > COUNT_CAP)


def _any_status(filterset: OrderFilterSet, query: QueryDict) -> QuerySet:
    """The orders of every other filter, whatever their status: what the All tab lists."""
    return OrderFilterSet(
        _drop(query, "status"),
        queryset=filterset.queryset,
        shops=filterset.shops,
        unmasked_shop_ids=filterset.unmasked_shop_ids,
        now=filterset.now,
        user=filterset.user,
    ).qs


def status_tabs(
    filterset: OrderFilterSet, query: QueryDict, *, others: QuerySet | None = None
) -> list[Tab]:
    """One tab per status, counted (when given `others`) with every other filter applied."""
    counted = others is not None
    active = set(filterset.form.cleaned_data.get("status") or [])
    return [
        Tab(
            status.value,
            status.label,
            _capped_count(others.filter(status=status)) if counted else None,
            query_with(query, status=status.value),
            status.value in active,
        )
        for status in OrderStatus
    ]


def needs_action_counters(
    filterset: OrderFilterSet, query: QueryDict, now, *, counted: bool
) -> list[Tab]:
    """The counters of the reasons the user's roles in the listed shops are for."""
    active = set(query.getlist("needs_action"))
    user = filterset.user
    return [
        Tab(
            code,
            NEEDS_ACTION[code],
            _capped_count(filterset.qs.filter(needs_action_q(code, now, user=user)))
            if counted
            else None,
            query_with(query, needs_action=code),
            code in active,
        )
        for code in reasons_for_user(user, [shop.pk for shop in filterset.selected_shops])
    ]


@dataclass
class OrderListCounts:
    tabs: list[Tab]
    needs_action: list[Tab]
    total: Capped  # the orders the filters select: the pagination's total
    all_count: Capped  # every status, the other filters applied: the All tab's number
    all_url: str

    @property
    def all_active(self) -> bool:
        return not any(tab.active for tab in self.tabs)


def order_list_counts(
    *, user: User, query: QueryDict, now: datetime | None = None
) -> OrderListCounts:
    """The status tabs' and needs-action counters' numbers for `query`, capped.

    Loaded by the page after it renders, so that counting never delays the rows.
    """
    now = now or timezone.now()
    filterset, _ = order_filterset(user=user, query=query, now=now)
    query = without_empty(query)
    for invalid in filterset.form.errors:
        query.pop(invalid, None)
    others = _any_status(filterset, query)
    return OrderListCounts(
        tabs=status_tabs(filterset, query, others=others),
        needs_action=needs_action_counters(filterset, query, now, counted=True),
        total=_capped_count(filterset.qs),
        all_count=_capped_count(others),
        all_url=query_without(query, "status"),
    )


def _drop(query: QueryDict, key: str) -> QueryDict:
    copy = query.copy()
    copy.pop(key, None)
    return copy
