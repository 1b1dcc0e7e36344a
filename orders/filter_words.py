"""A saved query string's order list filters in words, as the list's chips say them: for the
saved views' admin and for export jobs and schedules."""

from django.http import QueryDict

from orders.chips import filter_chips
from orders.filters import OrderFilterSet
from orders.models import Order

# Parameters that change the list's page, not which orders it holds (files ignore them).
NOT_FILTERS = ("sort", "per_page", "page", "cursor")


def filters_text(query_string: str, shops) -> str:
    """The order list filters of `query_string` in words, as its chips say them."""
    query = QueryDict(query_string, mutable=True)
    for key in NOT_FILTERS:
        query.pop(key, None)
    if not query:
        return "All orders"
    filterset = OrderFilterSet(
        query, queryset=Order.objects.none(), shops=shops, unmasked_shop_ids=()
    )
    filterset.is_valid()
    words = [chip.label for chip in filter_chips(filterset, query)]
    if filterset.form.errors:
        words.append("some filters are no longer valid")
    return "; ".join(words) or "All orders"
