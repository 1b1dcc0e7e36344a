"""Orders as a token reads them: the order list's one FilterSet (order_filterset, as the list
and exports use it) within the shops the token covers, paged by the list's signed keyset
cursors; one order as its page reads it."""

from dataclasses import dataclass

from django.http import Http404, QueryDict

from accounts.models import Shop, User
from api.order_rows import ListedOrder, listed_orders
from orders.exceptions import AmbiguousOrder
from orders.keyset import SORT_KEYS, after_cursor, cursor_for, cursor_goes_back, sort_queryset
from orders.models import Order
from orders.selectors.order_detail import OrderDetail, order_detail_for_user
from orders.selectors.order_filter import order_filterset

DEFAULT_PER_PAGE = "100"
# The list's own parameters the API leaves out: it pages by cursor only.
NOT_IN_API = {"page": "The API pages by cursor: follow `next`."}


class ParametersRefused(ValueError):
    """Query parameters the API cannot take: each name with its reasons."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(", ".join(errors))


@dataclass
class OrderPage:
    orders: list[ListedOrder]  # each with its representation, `.data`
    next_cursor: str | None
    unmasked_shop_ids: set[int]
    shops: list[Shop]

    def unmasked_orders(self) -> list[tuple[Shop, str]]:
        """(shop, order id) of each order whose buyer fields the page carries unmasked."""
        by_id = {shop.pk: shop for shop in self.shops}
        return [
            (by_id[order.shop_id], order.order_id)
            for order in self.orders
            if order.shop_id in self.unmasked_shop_ids
        ]


def _refusals(filterset, query: QueryDict, extra: set[str]) -> dict[str, list[str]]:
    known = set(filterset.filters) - set(NOT_IN_API)
    errors = {name: [NOT_IN_API[name]] for name in query if name in NOT_IN_API}
    unknown = sorted(set(query) - known - extra - set(NOT_IN_API))
    errors |= {name: ["Unknown parameter."] for name in unknown}
    errors |= {name: [str(m) for m in messages] for name, messages in filterset.form.errors.items()}
    cursor = filterset.form.cleaned_data.get("cursor")
    if cursor and cursor_goes_back(cursor):
        errors["cursor"] = ["That page link goes back; the API only pages forward."]
    return errors


def api_order_page(
    *,
    user: User,
    shops: list[Shop],
    query: QueryDict,
    extra: set[str],
    fields: list[str] | None = None,
) -> OrderPage:
    """One page of the orders `query` selects in `shops` (the token's, where its owner may
    view orders now), each as the list gives it with the sparse `fields` (None: all).
    `extra` are the view's own parameter names (`fields`).

    Raises ParametersRefused naming every parameter that is unknown or not valid, Http404
    when `shop` names a shop outside `shops` (ForeignShop for one the owner is not in).
    """
    slug = query.get("shop")
    if slug and slug not in {shop.slug for shop in shops}:
        raise Http404("No such shop among the token's.")
    filters = query.copy()
    for name in extra:
        filters.pop(name, None)
    if not filters.get("per_page"):  # absent or sent empty (`per_page=`), as a form sends it
        filters["per_page"] = DEFAULT_PER_PAGE
    filterset, unmasked = order_filterset(user=user, query=filters, within=shops)
    errors = _refusals(filterset, query, extra)
    if errors:
        raise ParametersRefused(errors)
    data = filterset.form.cleaned_data
    sort, per_page = data.get("sort") or "-created", int(data["per_page"])
    ordered = sort_queryset(filterset.qs, sort)
    if data.get("cursor"):
        ordered = after_cursor(ordered, data["cursor"], sort)
    fetched = listed_orders(
        ordered[: per_page + 1],
        fields=fields,
        unmasked_shop_ids=unmasked,
        also=(SORT_KEYS[sort].field,),
    )
    rows = fetched[:per_page]
    more = len(fetched) > per_page
    return OrderPage(
        orders=rows,
        next_cursor=cursor_for(rows[-1], sort) if more else None,
        unmasked_shop_ids=unmasked,
        shops=shops,
    )


def api_order_detail(
    *, user: User, shops: list[Shop], order_id: str, shop: str = ""
) -> OrderDetail:
    """The order page's reading of one order, within the token's shops; Http404 outside them."""
    slugs = {s.slug for s in shops}
    if len(order_id) > Order._meta.get_field("order_id").max_length or not order_id.isprintable():
        raise Http404("No such order.")  # no order has such an id (PostgreSQL refuses a NUL)
    if shop and shop not in slugs:
        raise Http404("No such order among the token's shops.")
    try:
        detail = order_detail_for_user(user=user, order_id=order_id, shop=shop)
    except AmbiguousOrder as several:
        covered = [order for order in several.orders if order.shop.slug in slugs]
        if len(covered) != 1:
            raise AmbiguousOrder(covered) if covered else Http404() from None
        detail = order_detail_for_user(user=user, order_id=order_id, shop=covered[0].shop.slug)
    if detail.order.shop.slug not in slugs:
        raise Http404("No such order among the token's shops.")
    return detail
