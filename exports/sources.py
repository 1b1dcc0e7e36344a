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
from django.db import connection, transaction
from django.db.models import CharField, Expression, Func, Q, QuerySet, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Cast

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
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`pk IN ()`) has no SQL
        return 0
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            "SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true),"
            " set_config('work_mem', %s, true)",  # sort a batch in memory, not on disk
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
