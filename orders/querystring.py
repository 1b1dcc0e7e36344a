"""Building /orders/ URLs from the current query: change, add or drop one parameter."""

from django.http import QueryDict

# Parameters that only move through results; a new filter starts again at page one.
POSITION = ("page", "cursor")
# What the list does when a parameter is absent; an address carries these only when changed.
DEFAULTS = {"sort": "-created", "per_page": "25", "date_field": "created"}
# An address with nothing set that still does not open the person's default saved view
# (a bare /orders/ does): what "Clear all" and removing the last chip link to.
NOTHING_SET = "?sort=-created"


def query_with(query: QueryDict, *, drop_position: bool = True, **changes) -> str:
    """`?…` with each `changes` key set (None removes it; a list sets repeated values)."""
    updated = query.copy()
    if drop_position:
        for key in POSITION:
            updated.pop(key, None)
    for key, value in changes.items():
        updated.pop(key, None)
        if value is None:
            continue
        updated.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return _address(updated)


def query_without(query: QueryDict, key: str, value: str | None = None) -> str:
    """`?…` without one value of a repeated key (or the whole key when value is None)."""
    updated = query.copy()
    for position in POSITION:
        updated.pop(position, None)
    if value is None:
        updated.pop(key, None)
    else:
        updated.setlist(key, [v for v in updated.getlist(key) if v != value])
    return _address(updated)


def _address(query: QueryDict) -> str:
    query = without_empty(query)
    return "?" + query.urlencode() if query else NOTHING_SET


def _is_set(key: str, value: str) -> bool:
    return bool(value.strip()) and DEFAULTS.get(key) != value


def without_empty(query: QueryDict) -> QueryDict:
    """The query without the values nobody set: a GET form sends every control, empty ones
    too (`?q=&carrier=`) and the defaults (`sort=-created`), and a shared address should
    carry only what was chosen."""
    kept = QueryDict(mutable=True)
    for key in query:
        for value in query.getlist(key):
            if _is_set(key, value):
                kept.appendlist(key, value)
    return kept


def canonical_query(query: QueryDict) -> str:
    """The filters only, sorted, without position, empty or default values: what a saved
    view keeps, and what the current list is compared with to tell which view is open."""
    pairs = sorted(
        (key, value)
        for key in query
        if key not in POSITION
        for value in query.getlist(key)
        if _is_set(key, value)
    )
    canonical = QueryDict(mutable=True)
    for key, value in pairs:
        canonical.appendlist(key, value)
    return canonical.urlencode()
