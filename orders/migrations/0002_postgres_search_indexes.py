"""Trigram indexes for the list's free-text search (`q`), on PostgreSQL only.

The indexes are on UPPER(column), the exact expression Django's `icontains` compares on
PostgreSQL (`UPPER("col"::text) LIKE UPPER(%s)`), so "contains" searches use them instead of
scanning the table. SQLite (the embedded default) has no trigram support; there the search
falls back to plain LIKE scans, which is fine at demo sizes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TRIGRAM_INDEXES = (
    ("order_buyer_username_trgm", "orders_order", "buyer_username"),
    ("order_recipient_name_trgm", "orders_order", "recipient_name"),
    ("order_buyer_email_trgm", "orders_order", "buyer_email"),
    ("order_recipient_phone_trgm", "orders_order", "recipient_phone"),
    ("line_product_name_trgm", "orders_orderline", "product_name"),
    ("line_seller_sku_trgm", "orders_orderline", "seller_sku"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
