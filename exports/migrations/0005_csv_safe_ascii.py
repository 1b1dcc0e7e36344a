"""`sc_csv_safe` tests the first character's code instead of comparing `left(t, 1)` with six
strings: the same answer (the triggers are ASCII), a fifth of the cost, and it runs about
twenty times a row in a CSV export (docs/decisions.md, "Export speed"). Still one SQL CASE, so
PostgreSQL inlines it into the COPY's query."""

from importlib import import_module

from django.db import migrations

FAST = r"""
CREATE OR REPLACE FUNCTION sc_csv_safe(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ascii(t) IN (61, 43, 45, 64, 9, 13) THEN '''' || t  -- = + - @ tab CR
              ELSE NULLIF(t, '') END
$$;
"""

# Back: 0003's definitions again (CREATE OR REPLACE, so re-running them all is harmless).
PREVIOUS = import_module("exports.migrations.0003_sql_functions").FUNCTIONS


def on_postgresql(sql: str):
    """The COPY path exists on PostgreSQL only; SQLite has no such function."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("exports", "0004_settlement_report_template")]

    operations = [migrations.RunPython(on_postgresql(FAST), on_postgresql(PREVIOUS))]
