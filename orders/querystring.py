"""Building /orders/ URLs from the current query: change, add or drop one parameter."""

from django.http import QueryDict

# Parameters that only move through results; a new filter starts again at page one.
POSITION = ("page", "cursor")


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
    return "?" + updated.urlencode() if updated else "?"


def query_without(query: QueryDict, key: str, value: str | None = None) -> str:
    """`?…` without one value of a repeated key (or the whole key when value is None)."""
    updated = query.copy()
    for position in POSITION:
        updated.pop(position, None)
    if value is None:
        updated.pop(key, None)
    else:
        updated.setlist(key, [v for v in updated.getlist(key) if v != value])
    return "?" + updated.urlencode() if updated else "?"


def without_empty(query: QueryDict) -> QueryDict:
    """The query without the values nobody set: a GET form sends every control, empty ones
    too (`?q=&carrier=`), and a shared address should carry only what was chosen."""
    kept = QueryDict(mutable=True)
    for key in query:
        for value in query.getlist(key):
            if value.strip():
                kept.appendlist(key, value)
    return kept


def canonical_query(query: QueryDict) -> str:
    """The filters only, sorted, without position or empty values: what a saved view keeps."""
    pairs = sorted(
        (key, value)
        for key in query
        if key not in POSITION
        for value in query.getlist(key)
        if value.strip()
    )
    canonical = QueryDict(mutable=True)
    for key, value in pairs:
        canonical.appendlist(key, value)
    return canonical.urlencode()
