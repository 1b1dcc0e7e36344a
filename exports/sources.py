"""Where export rows come from: batches of orders, then their rows, read one of two ways.

Orders are taken shop by shop, newest first (TikTok's order), in keyset batches, so memory
and each query stay the same size however many orders match. A batch's rows are read either
through the ORM (values that `cells.py` formats in Python) or, for CSV on PostgreSQL, as one
`COPY … TO STDOUT` whose SQL already formats, masks and neutralises every cell, so the bytes
go from the server to the file without becoming Python objects.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import CharField, Expression, Func, Q, QuerySet, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Cast
from psycopg.types.datetime import TimestamptzLoader

from accounts.masking import BUYER_FIELD_MASKS
from exports.columns import Kind, Level, Template, TemplateColumn
from orders.models import Order, OrderLine


def _before(key: tuple) -> Q:
    """Orders after `key` in newest-first order (the range bound lets an index do the work)."""
    created, pk = key
    return Q(create_time__lte=created) & (Q(create_time__lt=created) | Q(pk__lt=pk))


def _from(key: tuple) -> Q:
    """Orders up to and including `key` in newest-first order."""
    created, pk = key
    return Q(create_time__gte=created) & (Q(create_time__gt=created) | Q(pk__gte=pk))


def order_batches(selected: QuerySet[Order], shop_id: int, size: int) -> Iterator[QuerySet[Order]]:
    """The shop's selected orders, newest first, as querysets of `size` orders or fewer.

    Each batch is a key range found by one index read of its last key, so a batch costs the
    same at the start and at the end of a million orders, and no list of keys is sent back.
    """
    ordered = selected.filter(shop_id=shop_id).order_by("-create_time", "-pk")
    remaining = ordered
    while True:
        last = list(remaining.values_list("create_time", "pk")[size - 1 : size])
        if not last:
            yield remaining
            return
        yield remaining.filter(_from(last[0]))
        remaining = ordered.filter(_before(last[0]))


def rows_queryset(
    template: Template, orders: QuerySet[Order], values: list[Expression]
) -> QuerySet:
    """The rows of a batch of orders, in file order, as tuples of `values`."""
    keys = orders.order_by().values("pk")
    if template.level == Level.LINE:
        rows = OrderLine.objects.filter(order__in=keys).order_by(
            "-order__create_time", "-order_id", "pk"
        )
    else:
        rows = Order.objects.filter(pk__in=keys).order_by("-create_time", "-pk")
    return rows.values_list(*values)


def plain_values(template: Template) -> list[Expression]:
    return [tc.column.expression(template.level) for tc in template.columns]


# How PostgreSQL plans a batch's rows, for this transaction only. By index, not by reading
# whole tables: the estimate for a key range of orders is low, and the planner then scanned
# all order lines to join a batch's few thousand (130-210 ms for 2,000 of 100,000 orders,
# 50-120 ms by index). A COPY batch of tens of thousands of orders still reads all of the
# line index (docs/decisions.md, "Export speed"). No JIT: compiling a batch's ~60 cell
# expressions cost 0.7 s once its estimated cost passes `jit_above_cost` (10 s past
# `jit_optimize_above_cost`), for a query that runs in about 2 s.
BATCH_PLAN = "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of `queryset`, converted as the ORM converts them.

    On PostgreSQL the timestamps are read by psycopg's compiled loader: Django's own loader
    is Python that re-labels every value's zone, and with six times a row it took a fifth of
    an XLSX export. The instants are the same (the session is in UTC; cells convert them to
    the shop's zone anyway)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        cursor.execute(f"SELECT {BATCH_PLAN}")
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    return list(compiler.apply_converters(rows, converters)) if converters else rows


def rows_count(template: Template, selected: QuerySet[Order]) -> int:
    if template.level == Level.LINE:
        return OrderLine.objects.filter(order__in=selected.order_by().values("pk")).count()
    return selected.order_by().count()


# PostgreSQL COPY path -------------------------------------------------------------------


class _Text(Func):
    """SQL producing a cell's text: a call to one of our functions (exports migration 0003)
    or a formatting template."""

    output_field = CharField()


def _copy_value(tc: TemplateColumn, template: Template, masked: bool) -> Expression:
    column = tc.column
    value = column.expression(template.level)
    if column.kind == Kind.TEXT:
        text = Cast(value, CharField())
        if masked and column.mask:
            text = _Text(text, function=f"sc_{BUYER_FIELD_MASKS[column.mask].__name__}")
        return _Text(text, function="sc_csv_safe")
    if column.kind == Kind.ID and template.tiktok_format:
        return _Text(value, template="(NULLIF(%(expressions)s, '') || E'\\t')")
    if column.kind == Kind.ID:
        return _Text(value, template="NULLIF(%(expressions)s, '')")
    if column.kind == Kind.TIME:
        if template.tiktok_format:
            pattern = "to_char(%(expressions)s, 'MM/DD/YYYY HH12:MI:SS AM') || E'\\t'"
        else:
            pattern = """to_char(%(expressions)s, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')"""
        return _Text(value, template=pattern)
    if column.kind == Kind.LABEL and column.labels:
        return _Text(_label_case(value, column.labels), template="NULLIF(%(expressions)s, '')")
    if column.kind == Kind.LABEL:
        return _Text(value, template="NULLIF(%(expressions)s, '')")
    return value


def _label_case(value: Expression, labels: dict[str, str]) -> Case:
    """CASE value WHEN 'A' THEN 'word' … ELSE value END, on an expression."""
    return Case(
        *[When(_Equals(value, Value(key)), then=Value(word)) for key, word in labels.items()],
        default=Cast(value, CharField()),
        output_field=CharField(),
    )


class _Equals(Func):
    template = "%(expressions)s"
    arg_joiner = " = "
    output_field = CharField()
    conditional = True


def copy_values(template: Template, masked: bool) -> list[Expression]:
    return [_copy_value(tc, template, masked) for tc in template.columns]


def copy_rows(queryset: QuerySet, zone: str, out) -> int:
    """COPY the rows of `queryset` as CSV into the binary file `out`; returns the row count.

    Times are formatted in `zone`, set for this statement only: Django reads timestamps
    assuming the session is in UTC, so the zone is put back before any other query runs.
    The batch is planned as `BATCH_PLAN` says.

    The cells are formatted in the same SELECT that sorts them, so PostgreSQL's parallel
    workers format them too; sorting raw rows in a subquery and formatting above it sorted
    less but formatted in one process, and was slower (docs/decisions.md).
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`pk IN ()`) has no SQL
        return 0
    alias = queryset.db  # the replica while export generation reads from it
    with connections[alias].cursor() as cursor, transaction.atomic(using=alias):
        cursor.execute(
            "SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true),"
            f" set_config('work_mem', %s, true), {BATCH_PLAN}",  # sort in memory, not on disk
            [zone, settings.EXPORT_WORK_MEM],
        )
        ((previous, *_),) = cursor.fetchall()
        try:
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy:
                for block in copy:
                    out.write(block)
            return cursor.cursor.rowcount
        finally:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [previous])
