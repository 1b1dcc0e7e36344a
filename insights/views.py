"""/insights/: the sales figures of a period, against another, for the order list's filters."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.access import (
    MissingShopPermission,
    permission_required,
    shops_for_user,
    shops_in_view,
)
from accounts.roles import Perm
from insights.figures import figure_rows
from insights.periods import (
    COMPARISONS,
    PRESETS,
    PeriodRefused,
    chosen_comparison,
    chosen_span,
    compare_span,
)
from orders.exceptions import ForeignShop
from orders.form_fields import error_lines
from orders.selectors.order_filter import order_filterset
from orders.selectors.sales import orders_in_period, sales_figures

# The page's own parameters; every other one is the order list's and goes to its FilterSet.
OWN = ("period", "date_from", "date_to", "date_field", "compare", "currency")


def _insight_shops(request) -> list:
    """The shops whose figures this page may show: with a `shop` parameter, that one among
    those where the user may view insights; without, those of the header's switcher."""
    mine = list(shops_for_user(request.user, Perm.VIEW_INSIGHTS))
    slug = request.GET.get("shop")
    if not slug:
        return list(shops_in_view(request.user, Perm.VIEW_INSIGHTS))
    if slug in {s.slug for s in mine}:
        return mine
    if shops_for_user(request.user, Perm.VIEW_ORDERS).filter(slug=slug).exists():
        raise MissingShopPermission(Perm.VIEW_INSIGHTS)
    raise Http404("No such shop among yours.")


@permission_required(Perm.VIEW_INSIGHTS)
def insights(request):
    allowed = _insight_shops(request)
    filters = request.GET.copy()
    for name in OWN:
        filters.pop(name, None)
    try:
        filterset, _ = order_filterset(user=request.user, query=filters, within=allowed)
    except ForeignShop:
        raise Http404("No such shop among yours.") from None
    allowed_ids = {s.pk for s in allowed}
    shops = [s for s in filterset.selected_shops if s.pk in allowed_ids]
    currencies = list(dict.fromkeys(s.currency for s in shops))
    context = {
        "presets": PRESETS,
        "comparisons": COMPARISONS,
        "query": {name: request.GET.get(name, "") for name in OWN},
        "filters": [(k, v) for k, values in filters.lists() for v in values if v],
        "filters_query": urlencode([(k, v) for k, values in filters.lists() for v in values if v]),
        "filter_errors": error_lines(filterset.form),
        "currencies": currencies,
        "shops": shops,
    }
    if not shops:
        context["refusal"] = "None of the shops shown lets you view sales insights."
        return render(request, "insights/insights.html", context)
    currency = request.GET.get("currency") or currencies[0]
    try:
        if currency not in currencies:
            raise PeriodRefused(
                f"“{currency}” is not the currency of any shop shown: choose "
                f"{' or '.join(currencies)}."
            )
        span, span_name = chosen_span(request.GET, shops[0].zone, timezone.now())
        compare = chosen_comparison(request.GET)
    except PeriodRefused as refused:
        context["refusal"] = str(refused)
        return render(request, "insights/insights.html", context, status=400)
    in_currency = [s for s in shops if s.currency == currency]
    base_span = compare_span(span, compare)

    def figures(of):
        period = orders_in_period(
            filterset.qs, shops=in_currency, first=of.first, after=of.after, currency=currency
        )
        return sales_figures(period)

    now = figures(span)
    base = figures(base_span) if base_span else None
    context.update(
        currency=currency,
        span=span,
        span_name=span_name,
        base_span=base_span,
        compare=compare,
        compare_label=COMPARISONS[compare],
        in_currency=in_currency,
        rows=figure_rows(
            now=now,
            base=base,
            span=span,
            base_span=base_span,
            currency=currency,
            filters=filters,
            shop_slug=in_currency[0].slug if len(in_currency) == 1 else None,
        ),
    )
    return render(request, "insights/insights.html", context)
