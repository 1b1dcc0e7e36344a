"""The embedded default's database backend: Django's SQLite backend with one change.

SQLite keeps decimals as floating point, and Django rounds a value read back to its field's
decimal places only when it is a plain column. A sum, a subquery or a CASE over money then
comes back as Decimal("76.5") where PostgreSQL gives Decimal("76.50"), and a page or export
shows "76.5". Here every decimal result with declared places is rounded to them, so both
engines read money alike.
"""

import decimal

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        places = getattr(expression.output_field, "decimal_places", None)
        if places is None:
            return super().get_decimalfield_converter(expression)
        create_decimal = decimal.Context(prec=15).create_decimal_from_float
        quantum = decimal.Decimal(1).scaleb(-places)
        context = expression.output_field.context

        def converter(value, expression, connection):
            if value is not None:
                return create_decimal(value).quantize(quantum, context=context)

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
