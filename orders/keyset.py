"""Sorting with a stable tie-breaker, and keyset cursors so a deep page costs what page 1 does.

A cursor is the sort key of the last row shown, signed so that a tampered or garbage cursor
is refused instead of producing an arbitrary query.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db.models import F, Q, QuerySet

CURSOR_SALT = "orders.list.cursor"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    nullable: bool = False
    kind: type = datetime


SORT_KEYS = {
    "-created": SortKey("create_time", True),
    "created": SortKey("create_time", False),
    "-paid": SortKey("paid_time", True, nullable=True),
    "-total": SortKey("total_amount", True, kind=Decimal),
    "total": SortKey("total_amount", False, kind=Decimal),
    "-updated": SortKey("update_time", True),
    "ship_by": SortKey("shipping_due_time", False, nullable=True),
}


class BadCursor(ValueError):
    pass


def sort_queryset(queryset: QuerySet, sort: str) -> QuerySet:
    """Order by the sort key, empty values last, then by id in the same direction."""
    key = SORT_KEYS[sort]
    column = F(key.field)
    # NULLS LAST only where a column can be empty: the indexes are built the same way, and
    # PostgreSQL uses an index only for the exact null order it was built with.
    nulls = {"nulls_last": True} if key.nullable else {}
    primary = column.desc(**nulls) if key.descending else column.asc(**nulls)
    return queryset.order_by(primary, "-pk" if key.descending else "pk")


def cursor_for(row, sort: str, *, back: bool = False) -> str:
    """The cursor that continues after `row` (a model instance), or with `back`, the one
    that goes back to the rows before it."""
    value = getattr(row, SORT_KEYS[sort].field)
    text = (
        value.isoformat()
        if isinstance(value, datetime)
        else (None if value is None else str(value))
    )
    data = {"s": sort, "v": text, "id": row.pk} | ({"b": 1} if back else {})
    return signing.dumps(data, salt=CURSOR_SALT, compress=True)


def cursor_goes_back(cursor: str) -> bool:
    """Whether a cursor (already read by `cursor_read`) leads to the rows before its row."""
    return bool(signing.loads(cursor, salt=CURSOR_SALT).get("b"))


def cursor_read(cursor: str, sort: str) -> tuple[object, int]:
    """(sort value, id) of the row a cursor continues after; BadCursor when it is not ours
    or belongs to another sort order."""
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        key, last_id, text = SORT_KEYS[data["s"]], int(data["id"]), data["v"]
        value = (
            None
            if text is None
            else (datetime.fromisoformat(text) if key.kind is datetime else Decimal(text))
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise BadCursor("That page link is not valid.") from exc
    if data["s"] != sort:
        raise BadCursor("That page link belongs to another sort order.")
    return value, last_id


def after_cursor(queryset: QuerySet, cursor: str, sort: str) -> QuerySet:
    """Rows that come after the cursor's row in `sort` order; BadCursor when it is not ours."""
    value, last_id = cursor_read(cursor, sort)
    key = SORT_KEYS[sort]
    beyond = "lt" if key.descending else "gt"
    pk_beyond = {f"pk__{beyond}": last_id}
    if value is None:  # already among the empty values, which come last
        return queryset.filter(**{f"{key.field}__isnull": True}, **pk_beyond)
    after = Q(**{f"{key.field}__{beyond}": value}) | Q(**{key.field: value}, **pk_beyond)
    if key.nullable:
        return queryset.filter(after | Q(**{f"{key.field}__isnull": True}))
    # The redundant bound lets the database start its index scan at the cursor instead of
    # reading every row before it (an OR alone hides the range from the planner).
    return queryset.filter(after, **{f"{key.field}__{beyond}e": value})


def before_cursor(queryset: QuerySet, cursor: str, sort: str) -> QuerySet:
    """Rows that come before the cursor's row in `sort` order, the nearest first (the
    caller reverses the page it takes); BadCursor when it is not ours."""
    value, first_id = cursor_read(cursor, sort)
    key = SORT_KEYS[sort]
    before = "gt" if key.descending else "lt"
    pk_before = {f"pk__{before}": first_id}
    if value is None:  # among the empty values, which come last: every other one is before
        rows = queryset.filter(
            Q(**{f"{key.field}__isnull": False}) | Q(**{f"{key.field}__isnull": True}, **pk_before)
        )
    else:  # comparisons leave the empty values out, as they come after
        rows = queryset.filter(
            Q(**{f"{key.field}__{before}": value}) | Q(**{key.field: value}, **pk_before),
            **{f"{key.field}__{before}e": value},
        )
    # sort_queryset's order turned around, empty values first, so an index scans backwards.
    column = F(key.field)
    nulls = {"nulls_first": True} if key.nullable else {}
    primary = column.asc(**nulls) if key.descending else column.desc(**nulls)
    return rows.order_by(primary, "pk" if key.descending else "-pk")
