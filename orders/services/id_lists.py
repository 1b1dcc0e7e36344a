"""A filter by a long list of values (a batch's order ids) that costs one parameter.

`field__in` writes a placeholder per value, and with a thousand of them psycopg's splitting
of the query around its placeholders (the query is too long for its cache) and Django's
preparing of each value cost more than the database's answer; an upsert batch asks five such
questions. On PostgreSQL the list goes as one array, `field = ANY(%s)`; elsewhere it is `IN`.
"""

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    """`field = ANY(array)`: the list is one parameter (PostgreSQL only)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # a foreign key's lookups are its own: order_id too


def among(field: str, values) -> dict:
    """Keyword arguments of a filter keeping the rows whose `field` is one of `values`."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return {f"{field}__{lookup}": list(values)}
