"""Email addresses are stored lower-cased and unique whatever their case.

Accounts whose addresses differ only by case are never merged or renamed here: the
migration lists them and stops, changing nothing, so an operator decides which account
keeps the address (docs/decisions.md, "Email addresses ignore case").
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


def email_lower_case(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_address = defaultdict(list)
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        by_address[email.strip().lower()].append((pk, email))
    collisions = [accounts for accounts in by_address.values() if len(accounts) > 1]
    if collisions:
        listing = "; ".join(
            " and ".join(f"{email} (id {pk})" for pk, email in accounts) for accounts in collisions
        )
        raise RuntimeError(
            "Email addresses are now one address whatever their case, but these accounts "
            f"differ only by case: {listing}. Nothing was changed. Decide which account keeps "
            "each address, give the other one a different address (Django admin or "
            "`manage.py shell`), then run `manage.py migrate` again."
        )
    for address, [(pk, email)] in by_address.items():
        if email != address:
            User.objects.filter(pk=pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_activity_and_preferred_shop"),
    ]

    operations = [
        migrations.RunPython(email_lower_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_lower_unique",
                violation_error_message="An account with this email address already exists.",
            ),
        ),
    ]
