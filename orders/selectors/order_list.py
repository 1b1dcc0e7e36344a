"""The order list page: filtered, sorted, paginated rows, status tabs and counters.

The number of queries is the same for every page: one for the rows (lines and packages are
summarised by subqueries in the same statement) and the look-ups of the user's shops. The
total and the tabs' and counters' numbers come from `order_list_counts` in a second
request, so counting never delays the rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.access import shops_for_user, shops_in_view
from accounts.masking import mask_value
from accounts.models import User
from accounts.roles import Perm
from accounts.zones import zone_abbreviation
from orders.chips import Chip, filter_chips
from orders.filters import PER_PAGE, OrderFilterSet
from orders.keyset import (
    after_cursor,
    before_cursor,
    cursor_for,
    cursor_goes_back,
    sort_queryset,
)
from orders.links import order_url
from orders.models import Order, OrderLine, Package
from orders.needs_action import NEEDS_ACTION, needs_action_q, reasons_for_user
from orders.querystring import query_with, query_without, without_empty
from orders.selectors import order_list_for_user
from orders.selectors.filter_values import filter_values_for_user
from orders.selectors.id_search import IdSearchNote, id_search_note
from orders.statuses import OrderStatus, words

COUNT_CAP = 10_000  # counts stop here and read "10,000+": exact totals cost a full scan
SHALLOW_PAGES = 10  # numbered pages (OFFSET); beyond them, keyset cursors


class ForeignShop(Exception):
    """The `shop` parameter names a shop the user does not belong to (404)."""


@dataclass(frozen=True)
class Capped:
    value: int
    capped: bool

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{self.value:,}"


@dataclass
class OrderRow:
    """One row of the results table, with its display text made here once: the table is the
    page's hottest template loop, and plain attributes render several times faster there
    than `{% url %}`, `intcomma` and `date` per cell."""

    order: Order
    created: datetime
    ship_by: datetime | None
    buyer: str
    first_product: str
    more_lines: int
    units: int
    tracking_status: str | None
    url: str = ""
    created_text: str = ""
    ship_by_text: str = ""
    total_text: str = ""
    status_label: str = ""

    @property
    def tracking_label(self) -> str:
        return words("tracking", self.tracking_status)


@dataclass
class Tab:
    code: str
    label: str
    count: Capped | None  # None on the page itself; counts arrive in a second request
    url: str
    active: bool


@dataclass
class OrderListPage:
    filterset: OrderFilterSet
    query: QueryDict  # the request's query without the parameters that failed validation
    rows: list[OrderRow]
    tabs: list[Tab]
    all_url: str
    needs_action: list[Tab]
    chips: list[Chip]
    per_page: int
    page: int | None
    page_urls: list[tuple[int, str]] = field(default_factory=list)
    previous_url: str | None = None
    next_url: str | None = None
    first_url: str | None = None
    exact_order: Order | None = None
    id_search: IdSearchNote | None = None
    page_note: str | None = None  # a page number that was asked for but cannot be shown

    @property
    def all_active(self) -> bool:
        return not any(tab.active for tab in self.tabs)

    @property
    def several_shops(self) -> bool:
        return len(self.filterset.shops) > 1

    @property
    def first_row(self) -> int | None:
        """The position of the first row shown, on numbered pages (a cursor has none)."""
        return (self.page - 1) * self.per_page + 1 if self.page and self.rows else None

    @property
    def last_row(self) -> int | None:
        return self.first_row + len(self.rows) - 1 if self.first_row else None


def _capped_count(queryset: QuerySet) -> Capped:
    n = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return Capped(min(n, COUNT_CAP), n > COUNT_CAP)


def _with_summaries(queryset: QuerySet) -> QuerySet:
    """Items summary and tracking status, computed in the same SQL statement as the rows."""
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by("pk")
    per_order = lines.order_by().values("order")
    packages = Package.objects.filter(order=OuterRef("pk")).order_by("pk")
    return queryset.select_related("shop").annotate(
        first_product=Subquery(lines.values("product_name")[:1]),
        line_count=Coalesce(
            Subquery(per_order.annotate(n=Count("pk")).values("n")), 0, output_field=IntegerField()
        ),
        units=Coalesce(
            Subquery(per_order.annotate(n=Sum("quantity")).values("n")),
            0,
            output_field=IntegerField(),
        ),
        tracking=Subquery(packages.values("tracking_status")[:1]),
    )


def _zoned(text: str, moment: datetime, name_zone: bool) -> str:
    """ "Nov 5, 2026 14:03", with " PST" after it for people of several shops."""
    return f"{text} {zone_abbreviation(moment)}" if name_zone else text


def _row(order: Order, unmasked_shop_ids: set[int], detail_url: str, name_zone: bool) -> OrderRow:
    """One row; `name_zone`: the user has several shops, so each time names its shop's zone."""
    zone = order.shop.zone
    buyer = order.recipient_name or order.buyer_username
    if order.shop_id not in unmasked_shop_ids:
        field_name = "recipient_name" if order.recipient_name else "buyer_username"
        buyer = mask_value(field_name, buyer)
    created = order.create_time.astimezone(zone)
    ship_by = order.shipping_due_time.astimezone(zone) if order.shipping_due_time else None
    return OrderRow(
        order=order,
        created=created,
        ship_by=ship_by,
        buyer=buyer,
        first_product=order.first_product or "",
        more_lines=max(0, order.line_count - 1),
        units=order.units,
        tracking_status=order.tracking,
        url=(
            order_url("orders:detail", order)
            if getattr(order, "id_in_other_shop", False)
            else detail_url.replace(URL_SLOT, order.order_id)
        ),
        created_text=_zoned(f"{created:%b} {created.day}, {created:%Y %H:%M}", created, name_zone),
        ship_by_text=(
            _zoned(f"{ship_by:%b} {ship_by.day} {ship_by:%H:%M}", ship_by, name_zone)
            if ship_by
            else ""
        ),
        total_text=f"{order.total_amount:,} {order.currency}",  # "1,234.50 USD"
        status_label=words("order", order.status),
    )


URL_SLOT = "0" * 18  # an order id that reverse() accepts, replaced per row


def order_filterset(
    *, user: User, query: QueryDict, now: datetime | None = None, within: list | None = None
):
    """The validated filters and the scoped, filtered queryset they select.

    Without a `shop` parameter the orders are those of the shops in view (the switcher), or
    of the shops `within` when given (an export remembers its shops). Raises ForeignShop
    when `shop` names a shop the user may not view.
    """
    shops = list(shops_for_user(user, Perm.VIEW_ORDERS))
    unmasked = set(shops_for_user(user, Perm.SEE_BUYER_CONTACT).values_list("pk", flat=True))
    base = order_list_for_user(user=user)
    if within is not None:
        base = base.filter(shop__in=within)
    elif not query.get("shop"):
        in_view = list(shops_in_view(user, Perm.VIEW_ORDERS).values_list("pk", flat=True))
        base = base.filter(shop_id__in=in_view)
    filterset = OrderFilterSet(
        query,
        queryset=base,
        shops=shops,
        unmasked_shop_ids=unmasked,
        now=now,
        user=user,
        known_values=lambda in_shops, fresh: filter_values_for_user(
            user=user, shop_ids=[shop.pk for shop in in_shops], fresh=fresh
        ),
    )
    filterset.is_valid()  # validates once; invalid fields are reported and left out
    if filterset.foreign_shop_requested:
        raise ForeignShop(query.get("shop"))
    return filterset, unmasked


def order_list_page(*, user: User, query: QueryDict, now: datetime | None = None) -> OrderListPage:
    """Everything the order list shows for `query`, as `user` may see it."""
    now = now or timezone.now()
    filterset, unmasked = order_filterset(user=user, query=query, now=now)
    detail_url = reverse("orders:detail", args=[URL_SLOT])
    data = filterset.form.cleaned_data
    query = without_empty(query)
    for invalid in filterset.form.errors:  # links carry only the filters that apply
        query.pop(invalid, None)
    filtered = filterset.qs
    sort = data.get("sort") or "-created"
    per_page = int(data.get("per_page") or PER_PAGE[0])

    ordered = sort_queryset(_with_summaries(filtered), sort)
    # The form refused a cursor that is not ours, and a cursor together with a page number.
    page: int | None = min(data.get("page") or 1, SHALLOW_PAGES)
    cursor = data.get("cursor")
    if cursor and cursor_goes_back(cursor):  # Previous from a deep page
        fetched = list(before_cursor(ordered, cursor, sort)[: per_page + 1])
        rows, has_next, has_previous = fetched[:per_page][::-1], True, len(fetched) > per_page
        page = None
    else:
        if cursor:
            window, page = after_cursor(ordered, cursor, sort), None
        else:
            window = ordered[(page - 1) * per_page :]
        fetched = list(window[: per_page + 1])
        rows, has_next = fetched[:per_page], len(fetched) > per_page
        has_previous = page is None or page > 1
    _mark_ids_in_other_shops(rows, filterset.shops)

    # Numbered links up to this page and the next one when there is one; no count needed.
    last_numbered = min(SHALLOW_PAGES, (page or 0) + (1 if has_next else 0)) if page else 0
    if not rows:  # past the end: numbers up to here would lead to more empty pages
        last_numbered = 0
    result = OrderListPage(
        filterset=filterset,
        query=query,
        rows=[_row(order, unmasked, detail_url, len(filterset.shops) > 1) for order in rows],
        tabs=_status_tabs(filterset, query),
        all_url=query_without(query, "status"),
        needs_action=_needs_action_counters(filterset, query, now, counted=False),
        chips=filter_chips(filterset, query),
        per_page=per_page,
        page=page,
        page_urls=[(n, query_with(query, page=n)) for n in range(1, last_numbered + 1)],
        first_url=query_with(query),
    )
    if has_previous and rows:
        result.previous_url = (
            query_with(query, page=page - 1)
            if page
            else query_with(query, cursor=cursor_for(rows[0], sort, back=True))
        )
    if has_next:
        result.next_url = (
            query_with(query, page=page + 1)
            if page and page < SHALLOW_PAGES
            else query_with(query, cursor=cursor_for(rows[-1], sort))
        )
    result.exact_order = _exact_order(filterset, rows)
    result.id_search = id_search_note(filterset)
    result.page_note = _page_note(data.get("page"), page, bool(rows))
    return result


def _page_note(asked: int | None, shown: int | None, any_rows: bool) -> str | None:
    """Why the page shown is not the page number in the address, if it is not."""
    if not asked or asked == 1:
        return None
    if not any_rows:
        return f"Page {asked:,} is past the end of these orders."
    if asked != shown:
        return (
            f"Page {asked:,} cannot be opened directly: pages are numbered up to "
            f"{SHALLOW_PAGES}, and Next → goes on from there. Showing page {shown}."
        )
    return None


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


def _status_tabs(
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


def _needs_action_counters(
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
        tabs=_status_tabs(filterset, query, others=others),
        needs_action=_needs_action_counters(filterset, query, now, counted=True),
        total=_capped_count(filterset.qs),
        all_count=_capped_count(others),
        all_url=query_without(query, "status"),
    )


def _mark_ids_in_other_shops(rows: list[Order], shops: list) -> None:
    """Rows whose order id another of the user's shops holds too (imported before that was
    refused) link to their own copy with `?shop=` (orders/links.py): one query, only for
    people of several shops."""
    if len(shops) < 2 or not rows:
        return
    shared = set(
        Order.objects.filter(order_id__in=[order.order_id for order in rows], shop__in=shops)
        .values("order_id")
        .annotate(copies=Count("pk"))
        .filter(copies__gt=1)
        .values_list("order_id", flat=True)
    )
    for order in rows:
        order.id_in_other_shop = order.order_id in shared


def _exact_order(filterset: OrderFilterSet, rows: list[Order]) -> Order | None:
    """A single order id typed in `q` that matched: offered as a direct link."""
    text = (filterset.form.cleaned_data.get("q") or "").strip()
    return rows[0] if len(rows) == 1 and rows[0].order_id == text else None


def _drop(query: QueryDict, key: str) -> QueryDict:
    copy = query.copy()
    copy.pop(key, None)
    return copy
