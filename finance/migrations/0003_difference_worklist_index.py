"""The differences work list read in its order from an index: a shop's differences of a
status, newest first, a page without sorting them all (docs/benchmarks.md
"Finance pages and statement totals")."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_finance_permissions"),
        ("finance", "0002_statement_totals"),
        ("orders", "0020_sales_month_rollups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="difference",
            index=models.Index(
                fields=["shop", "status", "-found_at", "-id"], name="finance_diff_worklist_idx"
            ),
        ),
    ]
