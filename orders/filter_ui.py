"""What the filter bar needs to draw itself: current values and checkbox groups."""

from django.http import QueryDict

from .filters import (
    DATE_FIELD_LABELS,
    NEEDS_ACTION,
    PER_PAGE,
    SORTS,
    MultiValueFilter,
    OrderFilterSet,
    PlainTextFilter,
)
from .periods import PERIODS
from .statuses import FulfillmentType, OrderStatus, TrackingStatus

# The labels are the FilterSet's own, so a refusal names a filter as the bar does.
LABELS = {name: f.label for name, f in OrderFilterSet.base_filters.items()}
GROUPS = tuple(
    (name, LABELS[name], choices)
    for name, choices in (
        ("status", OrderStatus.choices),
        ("tracking_status", TrackingStatus.choices),
        ("fulfillment_type", FulfillmentType.choices),
        ("needs_action", list(NEEDS_ACTION.items())),
    )
)
# Every text filter but the search box and the page link, in the FilterSet's order.
TEXT_FIELDS = tuple(
    (name, f.label)
    for name, f in OrderFilterSet.base_filters.items()
    if isinstance(f, PlainTextFilter | MultiValueFilter) and name not in ("q", "cursor")
)
FLAGS = tuple(
    (name, LABELS[name]) for name in ("has_refund", "has_return", "has_buyer_message", "risk")
)


def _options(choices, current) -> list[dict]:
    return [{"value": v, "label": label, "selected": v == current} for v, label in choices]


def _set_under_more_filters(query: QueryDict) -> int:
    singles = [name for name, _ in TEXT_FIELDS + FLAGS] + ["total_min", "total_max"]
    return sum(bool(query.get(name, "").strip()) for name in singles) + sum(
        len(query.getlist(name)) for name, _, _ in GROUPS[1:]
    )


def filter_bar(query: QueryDict, shops) -> dict:
    """Values and options for every control of the filter bar, from the raw query."""
    return {
        "q": query.get("q", ""),
        "shops": [
            {"value": s.slug, "label": s.name, "selected": s.slug == query.get("shop")}
            for s in shops
        ],
        "periods": _options(PERIODS.items(), query.get("period")),
        "date_fields": _options(DATE_FIELD_LABELS.items(), query.get("date_field")),
        "date_from": query.get("date_from", ""),
        "date_to": query.get("date_to", ""),
        "sorts": _options(SORTS.items(), query.get("sort", "-created")),
        "per_pages": _options([(p, p) for p in PER_PAGE], query.get("per_page", "25")),
        "total_min": query.get("total_min", ""),
        "total_max": query.get("total_max", ""),
        "groups": [
            {
                "name": name,
                "label": label,
                "options": [
                    {"value": v, "label": text, "checked": v in query.getlist(name)}
                    for v, text in choices
                ],
            }
            for name, label, choices in GROUPS
        ],
        "texts": [
            {"name": name, "label": label, "value": query.get(name, "")}
            for name, label in TEXT_FIELDS
        ],
        "flags": [
            {
                "name": name,
                "label": label,
                "options": _options((("", "Any"), ("1", "Yes"), ("0", "No")), query.get(name, "")),
            }
            for name, label in FLAGS
        ],
        # The section stays closed until the person opens it (a counter or a saved view never
        # opens it); its summary says how many filters are set inside.
        "more_set": _set_under_more_filters(query),
    }
