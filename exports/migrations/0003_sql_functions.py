"""PostgreSQL functions for the COPY export path: formula neutralising and buyer masking.

Each mirrors a Python function of the same name (`accounts.csvsafe.csv_safe`,
`accounts.masking.mask_*`); tests compare the two on PostgreSQL value by value. SQLite never
uses the COPY path, so nothing is created there.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION sc_csv_safe(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN left(t, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || t
              ELSE NULLIF(t, '') END
$$;

CREATE OR REPLACE FUNCTION sc_mask_name(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(btrim(regexp_replace(t, '\s+', ' ', 'g')), '(\S)\S*', '\1***', 'g')
$$;

CREATE OR REPLACE FUNCTION sc_mask_street(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sc_mask_name(t) $$;

CREATE OR REPLACE FUNCTION sc_mask_username(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t = '' THEN ''
              WHEN length(t) <= 2 THEN '***'
              ELSE left(t, 1) || '***' || right(t, 1) END
$$;

CREATE OR REPLACE FUNCTION sc_mask_email(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN strpos(t, '@') = 0 THEN sc_mask_username(t)
              WHEN strpos(t, '@') = 1 THEN t
              ELSE left(t, 1) || '***@' || substr(t, strpos(t, '@') + 1) END
$$;

CREATE OR REPLACE FUNCTION sc_mask_phone(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t = '' OR strpos(t, '*') > 0 THEN t
              ELSE coalesce(substring(t FROM '^\s*(\(\+\d{1,4}\)|\+\d{1,4})'), '')
                   || CASE WHEN length(d) <= 5 THEN '****'
                           ELSE left(d, 3) || '****' || right(d, 2) END END
  FROM (SELECT regexp_replace(regexp_replace(t, '^\s*(\(\+\d{1,4}\)|\+\d{1,4})', ''),
                              '\D', '', 'g') AS d) AS digits
$$;

CREATE OR REPLACE FUNCTION sc_mask_postal_code(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p = '' THEN ''
              WHEN strpos(p, ' ') > 0 THEN split_part(p, ' ', 1) || ' ***'
              ELSE left(p, greatest(1, length(p) - 2))
                   || repeat('*', length(p) - greatest(1, length(p) - 2)) END
  FROM (SELECT regexp_replace(t, '^\s+|\s+$', '', 'g') AS p) AS trimmed
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS sc_csv_safe(text), sc_mask_name(text), sc_mask_street(text),
  sc_mask_username(text), sc_mask_email(text), sc_mask_phone(text), sc_mask_postal_code(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("exports", "0002_reports_schedules")]

    operations = [migrations.RunPython(create, drop)]
