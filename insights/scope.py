"""What one insights request covers: the shops, the currency, the list's filtered orders, the
period and its comparison. The page, its CSV downloads and each section read the same scope,
so a download never shows other numbers than the page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, QueryDict
from django.utils import timezone

from accounts.access import MissingShopPermission, shops_for_user, shops_in_view
from accounts.roles import Perm
from insights.buckets import chosen_bucket
from insights.periods import PeriodRefused, Span, chosen_comparison, chosen_span, compare_span
from orders.exceptions import ForeignShop
from orders.form_fields import error_lines
from orders.selectors.order_filter import order_filterset
from orders.selectors.sales_rollups import rolled_filter_values
from orders.selectors.sales_types import SalesScope

# The page's own parameters; every other one is the order list's and goes to its FilterSet.
OWN = ("period", "date_from", "date_to", "date_field", "compare", "currency", "bucket")


@dataclass
class InsightRequest:
    """The parsed request. `refusal` is set (and `status` 400) when nothing can be shown."""

    filters: QueryDict  # the order list's parameters, as given
    filter_errors: list[str]
    shops: list  # the shops shown (every currency)
    currencies: list[str]
    query: dict[str, str]  # the page's own parameters, as given
    refusal: str = ""
    status: int = 200
    currency: str = ""
    span: Span | None = None
    span_name: str = ""
    base_span: Span | None = None
    compare: str = ""
    sales: SalesScope | None = None  # set unless refused
    filterset: object = None  # the order list's FilterSet, for the filter bar

    @property
    def filter_pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, values in self.filters.lists() for v in values if v]

    @property
    def filters_query(self) -> str:
        return urlencode(self.filter_pairs)

    @property
    def page_query(self) -> str:
        """This request's parameters, for links to its downloads and views."""
        own = [(k, v) for k, v in self.query.items() if v]
        return urlencode(self.filter_pairs + own)

    @property
    def shop_slug(self) -> str | None:
        """The shop the list links name, when one shop sells in the currency shown."""
        shops = self.sales.shops if self.sales else ()
        return shops[0].slug if len(shops) == 1 else None


def _insight_shops(request) -> list:
    """The shops whose figures this page may show: with a `shop` parameter, that one among
    those where the user may view insights; without, those of the header's switcher."""
    slug = request.GET.get("shop")
    if not slug:
        return list(shops_in_view(request.user, Perm.VIEW_INSIGHTS))
    mine = list(shops_for_user(request.user, Perm.VIEW_INSIGHTS))
    if slug in {s.slug for s in mine}:
        return mine
    if shops_for_user(request.user, Perm.VIEW_ORDERS).filter(slug=slug).exists():
        raise MissingShopPermission(Perm.VIEW_INSIGHTS)
    raise Http404("No such shop among yours.")


def insight_request(request) -> InsightRequest:
    """Parse the request; 404 for a shop not among the user's, 403 (MissingShopPermission) for
    one where they may view orders but not insights, a refusal for anything else wrong."""
    return insight_scope(user=request.user, query=request.GET, allowed=_insight_shops(request))


def insight_scope(*, user, query: QueryDict, allowed: list) -> InsightRequest:
    """Parse `query` for `user` within the `allowed` shops (where they may view insights):
    the page's reading, and the API's within a token's shops. 404 for a shop outside them."""
    filters = query.copy()
    for name in OWN:
        filters.pop(name, None)
    try:
        filterset, _ = order_filterset(user=user, query=filters, within=allowed)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    allowed_ids = {s.pk for s in allowed}
    shops = [s for s in filterset.selected_shops if s.pk in allowed_ids]
    parsed = InsightRequest(
        filters=filters,
        filter_errors=error_lines(filterset.form),
        shops=shops,
        currencies=list(dict.fromkeys(s.currency for s in shops)),
        query={name: query.get(name, "") for name in OWN},
        filterset=filterset,
    )
    if not shops:
        parsed.refusal = "None of the shops shown lets you view sales insights."
        return parsed
    currency = query.get("currency") or parsed.currencies[0]
    try:
        if currency not in parsed.currencies:
            raise PeriodRefused(
                f"“{currency}” is not the currency of any shop shown: choose "
                f"{' or '.join(parsed.currencies)}."
            )
        span, span_name = chosen_span(query, shops[0].zone, timezone.now())
        compare = chosen_comparison(query)
        chosen_bucket(query)  # the chart's; refused here so its CSV answers 400 too
    except PeriodRefused as refused:
        parsed.refusal, parsed.status = str(refused), 400
        return parsed
    parsed.currency, parsed.span, parsed.span_name = currency, span, span_name
    parsed.compare, parsed.base_span = compare, compare_span(span, compare)
    parsed.sales = SalesScope(
        orders=filterset.qs,
        shops=tuple(s for s in shops if s.currency == currency),
        currency=currency,
        filters=frozenset(k for k, v in parsed.filter_pairs),
        filter_values=rolled_filter_values(filterset.form.cleaned_data),
    )
    return parsed
