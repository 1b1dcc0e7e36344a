"""One aggregation over several sets of roll-up rows: the monthly rows of a period's whole
months and the daily rows of the days at its edges (orders/selectors/sales_rollups.py) are
summed as if they were one table, `GROUP BY`, `ORDER BY` and `LIMIT` in the database, in one
statement (UNION ALL in a subquery; PostgreSQL and SQLite alike).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import F, QuerySet

from orders.money import to_money

# alias → (aggregate, field): e.g. {"t_units": ("SUM", "units")}
Aggregates = dict[str, tuple[str, str]]


def _selected(part: QuerySet, fields: list[str]) -> tuple[str, tuple]:
    """The part's rows as SQL, each field under the label c_<field>."""
    rows = part.annotate(**{f"c_{name}": F(name) for name in fields})
    return rows.values(*(f"c_{name}" for name in fields)).order_by().query.sql_with_params()


def _union(parts: list[QuerySet], fields: list[str]) -> tuple[list[str], list]:
    """Each part's rows as SQL (a part that can have none, e.g. of no shop, is left out) and
    all their parameters, in order."""
    sqls, params = [], []
    for part in parts:
        try:
            sql, part_params = _selected(part, fields)
        except EmptyResultSet:
            continue
        sqls.append(sql)
        params.extend(part_params)
    return sqls, params


def _cursor(parts: list[QuerySet]):
    """A cursor on the database the parts are read from (the replica, when it serves orders:
    orders/replica.py)."""
    return connections[parts[0].db].cursor()


def _term(term: str) -> str:
    quote = connection.ops.quote_name
    name = term.removeprefix("-")
    return f"{quote(name)} {'DESC' if term.startswith('-') else 'ASC'}"


def summed_rows(
    parts: list[QuerySet],
    keys: tuple[str, ...],
    aggregates: Aggregates,
    *,
    money: frozenset[str] = frozenset(),
    order: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[dict]:
    """{key fields and aliases: value} per group of `keys` over all the parts' rows (one row
    without keys), ordered by `order` (a key or alias, "-" for descending), at most `limit`.
    The aliases in `money` come as amounts to the cent; a sum over no rows is 0."""
    quote = connection.ops.quote_name
    fields = list(dict.fromkeys([*keys, *(field for _, field in aggregates.values())]))
    sqls, params = _union(parts, fields)
    if not sqls:
        return [] if keys else [dict.fromkeys(aggregates, 0)]
    columns = [f"u.{quote('c_' + key)} AS {quote(key)}" for key in keys]
    columns += [
        f"{how}(u.{quote('c_' + field)}) AS {quote(alias)}"
        for alias, (how, field) in aggregates.items()
    ]
    sql = f"SELECT {', '.join(columns)} FROM ({' UNION ALL '.join(sqls)}) u"  # noqa: S608
    if keys:
        sql += " GROUP BY " + ", ".join(f"u.{quote('c_' + key)}" for key in keys)
    if order:
        sql += " ORDER BY " + ", ".join(_term(term) for term in order)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with _cursor(parts) as cursor:
        cursor.execute(sql, params)
        names = [*keys, *aggregates]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for alias in aggregates:
            if row[alias] is None:
                row[alias] = 0
            if alias in money:
                row[alias] = to_money(row[alias])
    return rows


def summed_two_ways(
    parts: list[QuerySet],
    by: tuple[str, str],
    aggregates: Aggregates,
    *,
    money: frozenset[str] = frozenset(),
    order: tuple[str, ...] = (),
    limit: int | None = None,
    keys: tuple[list | None, list | None] = (None, None),
) -> tuple[list[dict], list[dict]]:
    """As `summed_rows` grouped by each of the two fields of `by` apart (e.g. per SKU and per
    product), from one scan of the parts: the rows are first grouped by both fields, then those
    groups by each (the aggregates being SUM and MAX, a sum of sums and a greatest of
    greatests). `order` names the aliases ("-" for descending), then each grouping's field
    breaks ties (the database's order, kept through the union by each row's place); `keys`
    keeps only those values of each field (None: all). Each row holds "key" and the
    aliases."""
    quote = connection.ops.quote_name
    fields = list(dict.fromkeys([*by, *(field for _, field in aggregates.values())]))
    sqls, params = _union(parts, fields)
    if not sqls:
        return [], []
    both = [f"u.{quote('c_' + field)} AS {quote('g_' + field)}" for field in by]
    both += [
        f"{how}(u.{quote('c_' + field)}) AS {quote('g_' + alias)}"
        for alias, (how, field) in aggregates.items()
    ]
    grouped = ", ".join(f"u.{quote('c_' + field)}" for field in by)
    sql = (
        f"WITH g AS (SELECT {', '.join(both)} FROM ({' UNION ALL '.join(sqls)}) u "  # noqa: S608
        f"GROUP BY {grouped})"
    )
    summed = {alias: f"{how}(g.{quote('g_' + alias)})" for alias, (how, _) in aggregates.items()}
    selects = []
    for number, (field, wanted) in enumerate(zip(by, keys, strict=True)):
        if wanted is not None and not wanted:
            continue
        column = f"g.{quote('g_' + field)}"
        ordered = ", ".join(
            [
                *(
                    f"{summed[term.removeprefix('-')]} {'DESC' if term[0] == '-' else 'ASC'}"
                    for term in order
                ),
                f"{column} ASC",
            ]
        )
        columns = ", ".join(
            [
                f"{number} AS {quote('way')}",
                f"{column} AS {quote('key')}",
                *(f"{expression} AS {quote(alias)}" for alias, expression in summed.items()),
                f"ROW_NUMBER() OVER (ORDER BY {ordered}) AS {quote('place')}",
            ]
        )
        one = f"SELECT {columns} FROM g"  # noqa: S608
        if wanted is not None:
            one += f" WHERE {column} IN ({', '.join(['%s'] * len(wanted))})"
            params.extend(wanted)
        one += f" GROUP BY {column} ORDER BY {ordered}"
        if limit is not None:
            one += f" LIMIT {int(limit)}"
        selects.append(f"SELECT * FROM ({one}) w{number}")  # noqa: S608
    if not selects:
        return [], []
    sql += f" SELECT * FROM ({' UNION ALL '.join(selects)}) t "  # noqa: S608
    sql += f"ORDER BY {quote('way')}, "
    sql += quote("place")
    found: tuple[list[dict], list[dict]] = ([], [])
    with _cursor(parts) as cursor:
        cursor.execute(sql, params)
        for way, key, *values, _ in cursor.fetchall():
            row = {"key": key, **dict(zip(aggregates, values, strict=True))}
            for alias in money:
                row[alias] = to_money(row[alias])
            found[way].append(row)
    return found
