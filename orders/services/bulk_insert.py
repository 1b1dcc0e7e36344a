"""Fast inserts of many new rows: PostgreSQL COPY with pre-allocated keys, bulk_create elsewhere.

Django's bulk_create spends most of its time preparing parameters; COPY lets psycopg adapt
the values in C, which is what makes seeding 100,000 orders take seconds instead of minutes,
and what the upsert of TikTok's orders creates new orders, lines, packages and timeline
entries with (services/upsert_write.py). Rows are new model instances; on return each has its
primary key, so children can point at it. `COPY_INSERTS` off takes bulk_create on PostgreSQL
too, which the tests use to show both paths store the same rows.
"""

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

COPY_INSERTS = True
BATCH = 500  # bulk_create's batch, as the upsert always used


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert `objects` (unsaved instances of `model`) and set their primary keys."""
    if not objects:
        return
    if connection.vendor != "postgresql" or not COPY_INSERTS:
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    _copy_insert(model, objects)


def _allocate_keys(model: type[models.Model], count: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_values(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows given as field (attname) → value, the others taking their defaults, without
    building a model instance for each on PostgreSQL; returns their primary keys, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql" or not COPY_INSERTS:
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH)
        return [obj.pk for obj in objects]
    fields = model._meta.concrete_fields
    known = {f.attname for f in fields}
    defaults = [(f.attname, f.get_default()) for f in fields]
    at_key = fields.index(model._meta.pk)
    keys = _allocate_keys(model, len(rows))

    def values():
        for key, row in zip(keys, rows, strict=True):
            if not row.keys() <= known:  # as model(**row) would say
                raise TypeError(f"{model.__name__}() got unexpected {sorted(row.keys() - known)}")
            line = [row.get(name, default) for name, default in defaults]
            line[at_key] = key
            yield line

    _copy(model, values(), timezone.now())
    return keys


def _copy_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    for obj, key in zip(objects, _allocate_keys(model, len(objects)), strict=True):
        obj.pk = key
    attnames = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    _copy(model, ([getattr(obj, name) for name in attnames] for obj in objects), now)
    stamps = _stamped(model)
    for obj in objects:
        # Foreign keys are read from their *_id attributes: callers assign saved parents.
        for i in stamps:
            setattr(obj, attnames[i], now)
        obj._state.adding, obj._state.db = False, connection.alias


def _stamped(model: type[models.Model]) -> list[int]:
    return [
        i
        for i, f in enumerate(model._meta.concrete_fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _copy(model: type[models.Model], rows, now) -> None:
    """COPY `rows` (values in the order of the model's concrete fields) into its table, the
    auto_now stamps set to `now`."""
    fields = model._meta.concrete_fields
    stamped = _stamped(model)
    json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.wrap_database_errors,  # IntegrityError etc., as from any other query
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            for i in stamped:
                row[i] = now
            for i in json:
                row[i] = Jsonb(row[i])
            copy.write_row(row)
