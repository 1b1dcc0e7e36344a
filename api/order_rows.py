"""The order list's rows as plain dicts, read with `.values()` (the page's orders with their
shop's slug, then all their lines in one query) instead of OrderSerializer building model
instances and walking DRF's fields one by one: about 80 fields × 100 orders a page.

The serializer stays the contract. What each row holds, in which order, and how each value
is written are taken once from OrderSerializer's own fields (its columns, DRF's ISO 8601
times, its decimal places, its choices), and a kind of field this module cannot read is
refused when that plan is first made, not silently left out. Masking and `fields=` are
applied as OrderSerializer applies them; tests/api/test_order_rows.py checks the rows give
the serializer's JSON byte for byte.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, getcontext
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import ManyToOneRel, QuerySet
from rest_framework import fields as drf
from rest_framework import relations, serializers
from rest_framework.settings import api_settings

from accounts.masking import BUYER_FIELD_MASKS, mask_value
from api.serializers import OrderSerializer

ISO_8601 = "iso-8601"


@dataclass(frozen=True)
class Column:
    """One field of a row: its name, the `.values()` key it reads, and how it is written
    (called only for a value that is not None, as DRF does)."""

    name: str
    source: str
    write: Callable


@dataclass(frozen=True)
class Children:
    """A nested list of a row (the lines): their model, the column naming their parent,
    and their own columns."""

    name: str
    queryset: Callable[[], QuerySet]
    parent: str
    columns: tuple[Column, ...]


class ListedOrder:
    """One order of a page: `data`, what the API gives for it, and as attributes the
    columns the page reads besides (`pk`, `shop_id`, `order_id`, the sort key), as a model
    instance has them (so orders.keyset.cursor_for reads it like one)."""

    __slots__ = ("_columns", "data")

    def __init__(self, data: dict, columns: dict):
        self.data = data
        self._columns = columns

    def __getattr__(self, name):
        try:
            return self._columns[name]
        except KeyError:
            raise AttributeError(name) from None


def _same(value):
    return value


def _decimal_writer(field: drf.DecimalField) -> Callable:
    if field.normalize_output or field.localize or field.decimal_places is None:
        return field.to_representation
    if not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):
        return field.to_representation
    # DecimalField.quantize, with its context made once instead of for every value.
    context = getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    quantum, rounding = Decimal(".1") ** field.decimal_places, field.rounding

    def write(value):
        if not isinstance(value, Decimal):
            return field.to_representation(value)
        return f"{value.quantize(quantum, rounding=rounding, context=context):f}"

    return write


def _datetime_writer(field: drf.DateTimeField) -> Callable:
    if getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
        return field.to_representation
    # DateTimeField.enforce_timezone's zone: the field's own, or the current one (asked
    # when the plan is made for a request, as DRF asks when it writes the request's rows).
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return field.to_representation

    def write(value):
        if not value or not isinstance(value, datetime) or value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def _choice_writer(field: drf.ChoiceField) -> Callable:
    known = field.choice_strings_to_values

    def write(value):
        if type(value) is not str or value == "":
            return field.to_representation(value)
        return known.get(value, value)

    return write


def _writer(field: drf.Field) -> Callable:
    """How the field writes a value read from the database, as its to_representation."""
    kind = type(field)
    if kind is drf.CharField:
        return str
    if kind is drf.BooleanField:
        return lambda value: value if type(value) is bool else field.to_representation(value)
    if kind is drf.IntegerField:
        return int
    if kind is drf.ChoiceField:
        return _choice_writer(field)
    if kind is drf.DecimalField:
        return _decimal_writer(field)
    if kind is drf.DateTimeField:
        return _datetime_writer(field)
    return field.to_representation  # any other kind: DRF's own writing, per value


def _plain_column(model, name: str, field: drf.Field) -> Column:
    source = field.source
    if isinstance(field, relations.SlugRelatedField):
        relation = model._meta.get_field(source)
        if not relation.many_to_one or "." in field.slug_field or "__" in field.slug_field:
            raise ImproperlyConfigured(f"{name}: only a slug of a foreign key is read")
        return Column(name, f"{source}__{field.slug_field}", _same)
    if isinstance(field, relations.RelatedField | serializers.BaseSerializer) or "." in source:
        raise ImproperlyConfigured(f"{name}: a kind of field api.order_rows does not read")
    if source == "*" or model._meta.get_field(source).is_relation:
        raise ImproperlyConfigured(f"{name}: not a column of {model.__name__}")
    return Column(name, source, _writer(field))


def _children(model, name: str, field: serializers.ListSerializer) -> Children:
    relation = model._meta.get_field(field.source)
    child = field.child
    if not isinstance(relation, ManyToOneRel) or not isinstance(child, serializers.ModelSerializer):
        raise ImproperlyConfigured(f"{name}: only a list over a reverse foreign key is read")
    related = relation.related_model
    columns = tuple(
        _plain_column(related, child_name, child_field)
        for child_name, child_field in child.fields.items()
        if not child_field.write_only
    )
    # The related manager's rows, in its (the model's default) order, as a prefetch reads.
    return Children(name, lambda: related._default_manager.all(), relation.field.attname, columns)


@cache
def _serializer_fields() -> tuple[tuple[str, drf.Field], ...]:
    serializer = OrderSerializer(context={"fields": None, "unmasked_shop_ids": set()})
    return tuple((name, field) for name, field in serializer.fields.items() if not field.write_only)


@cache
def _fixed_plan() -> tuple[tuple[Column | Children, ...], dict]:
    """Every field's column or children, and for each datetime field its field (its
    writer depends on the request's current time zone)."""
    model = OrderSerializer.Meta.model
    plan, zoned = [], {}
    for name, field in _serializer_fields():
        if isinstance(field, serializers.ListSerializer):
            plan.append(_children(model, name, field))
        else:
            plan.append(_plain_column(model, name, field))
            if type(field) is drf.DateTimeField:
                zoned[name] = field
    return tuple(plan), zoned


def _plan(fields: list[str] | None) -> list[Column | Children]:
    fixed, zoned = _fixed_plan()
    wanted = None if fields is None else set(fields)
    return [
        Column(part.name, part.source, _datetime_writer(zoned[part.name]))
        if part.name in zoned
        else part
        for part in fixed
        if wanted is None or part.name in wanted
    ]


def _write(values: dict, columns) -> dict:
    return {
        column.name: None if (value := values[column.source]) is None else column.write(value)
        for column in columns
    }


def listed_orders(
    orders: QuerySet,
    *,
    fields: list[str] | None,
    unmasked_shop_ids: set[int],
    also: tuple[str, ...] = (),
) -> list[ListedOrder]:
    """The orders of `orders` (ordered and sliced) as OrderSerializer gives them with these
    sparse `fields` (None: all) and these unmasked shops; `also` names columns besides
    `pk`, `shop_id` and `order_id` the caller reads off each (a cursor's sort key)."""
    plan = _plan(fields)
    columns = [part for part in plan if isinstance(part, Column)]
    nested = [part for part in plan if isinstance(part, Children)]
    kept = ("id", "shop_id", "order_id", *also)
    sources = dict.fromkeys([*kept, *(column.source for column in columns)])
    rows = list(orders.values(*sources))
    children = {part.name: _children_of(part, rows, orders.db) for part in nested}
    masked = [column.name for column in columns if column.name in BUYER_FIELD_MASKS]
    # Lists come after the columns in OrderSerializer; were one not last, keep its place.
    trailing = plan[len(columns) :] == nested
    listed = []
    for values in rows:
        data = _write(values, columns)
        for part in nested:
            data[part.name] = children[part.name].get(values["id"], [])
        if not trailing:
            data = {part.name: data[part.name] for part in plan}
        if masked and values["shop_id"] not in unmasked_shop_ids:
            for name in masked:
                data[name] = mask_value(name, data[name])
        kept_values = {name: values[name] for name in kept}
        kept_values["pk"] = values["id"]
        listed.append(ListedOrder(data, kept_values))
    return listed


def _children_of(part: Children, rows: list[dict], using: str) -> dict[int, list[dict]]:
    """Each parent's children as rows, in the related manager's order."""
    if not rows:
        return {}
    sources = dict.fromkeys([part.parent, *(column.source for column in part.columns)])
    found: dict[int, list[dict]] = {}
    queryset = (
        part.queryset().using(using).filter(**{f"{part.parent}__in": [r["id"] for r in rows]})
    )
    for values in queryset.values(*sources):
        found.setdefault(values[part.parent], []).append(_write(values, part.columns))
    return found
