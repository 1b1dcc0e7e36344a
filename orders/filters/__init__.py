"""The order list's filters, validated from the query string by one FilterSet.

The same FilterSet drives the list page, exports and the API, so the three cannot disagree.
Repeated keys are OR within one filter; different filters AND. Dates are read in each shop's
own zone. Buyer fields a user may not see unmasked are not searched for that user.
"""

from orders.filters.choices import (
    DATE_FIELD_LABELS,
    DATE_FIELDS,
    DEFAULT_SORT,
    FLAG_FILTERS,
    KNOWN_SET_FILTERS,
    MAX_ORDER_IDS,
    PER_PAGE,
    SORTS,
)
from orders.filters.fields import MultiValueFilter, PlainTextFilter
from orders.filters.filterset import OrderFilterSet, filter_choices, filter_label
from orders.filters.search import parse_order_ids

__all__ = [
    "DATE_FIELDS",
    "DATE_FIELD_LABELS",
    "DEFAULT_SORT",
    "FLAG_FILTERS",
    "KNOWN_SET_FILTERS",
    "MAX_ORDER_IDS",
    "PER_PAGE",
    "SORTS",
    "MultiValueFilter",
    "OrderFilterSet",
    "PlainTextFilter",
    "filter_choices",
    "filter_label",
    "parse_order_ids",
]
