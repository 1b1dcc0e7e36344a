"""What the filter bar needs to draw itself: current values and checkbox groups."""

from django.http import QueryDict

from orders.filters import (
    DEFAULT_SORT,
    FLAG_FILTERS,
    KNOWN_SET_FILTERS,
    PER_PAGE,
    MultiValueFilter,
    OrderFilterSet,
    PlainTextFilter,
    filter_choices,
    filter_label,
)
from orders.needs_action import NEEDS_ACTION
from orders.selectors.filter_values import value_label

# The labels and choices are the FilterSet's own, so the bar, the chips and a refusal name a
# filter alike.
LABELS = {name: filter_label(name) for name in OrderFilterSet.base_filters}
GROUPS = tuple(
    (name, LABELS[name], list(filter_choices(name).items()))
    for name in ("status", "tracking_status", "fulfillment_type", "needs_action")
)
# Every text filter but the search box, the page link and the lists, in the FilterSet's order.
TEXT_FIELDS = tuple(
    (name, f.label)
    for name, f in OrderFilterSet.base_filters.items()
    if isinstance(f, PlainTextFilter | MultiValueFilter)
    and name not in ("q", "cursor", *KNOWN_SET_FILTERS)
)
FLAGS = tuple((name, LABELS[name]) for name in FLAG_FILTERS)


def _options(choices, current) -> list[dict]:
    return [{"value": v, "label": label, "selected": v == current} for v, label in choices]


def _set_under_more_filters(query: QueryDict) -> int:
    singles = [name for name, _ in TEXT_FIELDS + FLAGS] + ["total_min", "total_max"]
    return sum(bool(query.get(name, "").strip()) for name in singles) + sum(
        len(query.getlist(name)) for name in [*KNOWN_SET_FILTERS, *(g[0] for g in GROUPS[1:])]
    )


def _value_lists(query: QueryDict, known: dict[str, list[str]] | None) -> list[dict]:
    """A select per known-set filter, its options the values the shop's orders hold."""
    lists = []
    for name in KNOWN_SET_FILTERS:
        picked = {value.casefold() for value in query.getlist(name)}
        options = [
            {
                "value": value,
                "label": value_label(name, value),
                "selected": value.casefold() in picked,
            }
            for value in (known or {}).get(name, [])
        ]
        lists.append(
            {"name": name, "label": LABELS[name], "options": options, "multiple": len(picked) > 1}
        )
    return lists


def filter_bar(
    query: QueryDict,
    shops,
    *,
    known: dict[str, list[str]] | None = None,
    needs_action: list[str] | None = None,
) -> dict:
    """Values and options for every control of the filter bar, from the raw query.

    `known`: the known-set filters' values; `needs_action`: the reasons shown to this user
    (the rest stay valid in a URL, but are not offered)."""
    groups = [
        (name, label, choices)
        if name != "needs_action" or needs_action is None
        else (name, label, [(code, NEEDS_ACTION[code]) for code in needs_action])
        for name, label, choices in GROUPS
    ]
    return {
        "q": query.get("q", ""),
        "shops": [
            {"value": s.slug, "label": s.name, "selected": s.slug == query.get("shop")}
            for s in shops
        ],
        "labels": LABELS,
        "periods": _options(filter_choices("period").items(), query.get("period")),
        "date_fields": _options(filter_choices("date_field").items(), query.get("date_field")),
        "date_from": query.get("date_from", ""),
        "date_to": query.get("date_to", ""),
        "sorts": _options(filter_choices("sort").items(), query.get("sort", DEFAULT_SORT)),
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
            for name, label, choices in groups
        ],
        "lists": _value_lists(query, known),
        "texts": [
            {"name": name, "label": label, "value": query.get(name, "")}
            for name, label in TEXT_FIELDS
        ],
        "flags": [
            {
                "name": name,
                "label": label,
                "options": _options(
                    (("", "Any"), *filter_choices(name).items()), query.get(name, "")
                ),
            }
            for name, label in FLAGS
        ],
        # The section stays closed until the person opens it (a counter or a saved view never
        # opens it); its summary says how many filters are set inside.
        "more_set": _set_under_more_filters(query),
    }
